using MicroMarket.RunFormat;


namespace MicroMarket.Reporting.Input;

/// <summary>
/// Everything the report reads from one run directory, as typed tidy tables: the participants (one per unit, in index
/// order), and of the order books only those of <see cref="BookSlot"/>, the slot whose merit order the report draws.
/// </summary>
public sealed record RunData(
    string Directory,
    RunSummary Summary,
    IReadOnlyList<SlotRecord> Slots,
    IReadOnlyList<Participant> Participants,
    IReadOnlyList<UnitSlotRecord> UnitSlots,
    int BookSlot,
    IReadOnlyList<OrderStep> Orders,
    IReadOnlyList<TransactionRecord> Transactions,
    IReadOnlyList<BusRecord> Buses,
    IReadOnlyList<LineRecord> Lines)
{
    /// <summary>Days in the run (summary.json), at least one.</summary>
    public int Days => Math.Max(1, Summary.Days);

    /// <summary>Slot 0's start: the local midnight of the first day, in UTC.</summary>
    public DateTimeOffset StartUtc => Slots.Count > 0 ? Slots[0].TimeUtc : DateTimeOffset.UnixEpoch;

    /// <summary>
    /// Day 1's local date, which the run directory does not name: slot 0 is its local midnight, given in UTC. A zone west of
    /// UTC reaches midnight at -offset hours UTC of the same date, one east of it at 24 - offset hours UTC of the day
    /// before; a midnight up to <see cref="LatestWesternMidnightUtc"/> is taken as western (down to UTC-10, Hawaii), a later
    /// one as eastern (up to UTC+14, Kiribati). Only UTC-11 and UTC-12 (American Samoa, Baker Island) would read a day late.
    /// </summary>
    public DateOnly FirstDay => DateOnly.FromDateTime(StartUtc.UtcDateTime) is var utcDate && StartUtc.UtcDateTime.TimeOfDay <= LatestWesternMidnightUtc
        ? utcDate
        : utcDate.AddDays(1);

    private static readonly TimeSpan LatestWesternMidnightUtc = TimeSpan.FromHours(10);
}

/// <summary>One market participant: a unit with its index, kind and feeder bus.</summary>
public sealed record Participant(string Unit, int Index, UnitKind Kind, string Bus);
