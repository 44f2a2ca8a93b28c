using MicroMarket.RunFormat;


namespace MicroMarket.Reporting.Input;

/// <summary>Everything the report reads from one run directory, as typed tidy tables.</summary>
public sealed record RunData(
    string Directory,
    RunSummary Summary,
    IReadOnlyList<SlotRecord> Slots,
    IReadOnlyList<UnitSlotRecord> UnitSlots,
    IReadOnlyList<OrderStep> Orders,
    IReadOnlyList<TransactionRecord> Transactions,
    IReadOnlyList<BusRecord> Buses,
    IReadOnlyList<LineRecord> Lines)
{
    /// <summary>Days in the run (summary.json), at least one.</summary>
    public int Days => Math.Max(1, Summary.Days);

    /// <summary>The participants, one per unit, in index order.</summary>
    public IReadOnlyList<Participant> Participants { get; } = UnitSlots
        .GroupBy(r => r.Unit)
        .Select(g => g.First())
        .OrderBy(r => r.Index)
        .Select(r => new Participant(r.Unit, r.Index, r.Kind, r.Bus))
        .ToList();

    /// <summary>Slot 0's start: the local midnight of the first day, in UTC.</summary>
    public DateTimeOffset StartUtc => Slots.Count > 0 ? Slots[0].TimeUtc : DateTimeOffset.UnixEpoch;
}

/// <summary>One market participant: a unit with its index, kind and feeder bus.</summary>
public sealed record Participant(string Unit, int Index, UnitKind Kind, string Bus);
