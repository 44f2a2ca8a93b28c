using MicroMarket.RunFormat;
using MicroMarket.Market;

namespace MicroMarket.Simulation.Decisions;

/// <summary>A unit's traded positions per slot, day-ahead and intra-day, as it has read them back from the chain.</summary>
public sealed class Schedule
{
    private readonly Dictionary<int, SlotPosition> _dayAhead = [];
    private readonly Dictionary<int, SlotPosition> _intraday = [];

    public void Learn(MarketStage stage, int firstSlot, IReadOnlyList<SlotPosition> positions)
    {
        var target = stage == MarketStage.DayAhead ? _dayAhead : _intraday;
        for (var i = 0; i < positions.Count; i++)
        {
            target[firstSlot + i] = positions[i];
        }
    }

    public SlotPosition DayAhead(int slot) => _dayAhead.GetValueOrDefault(slot);

    public SlotPosition Intraday(int slot) => _intraday.GetValueOrDefault(slot);

    /// <summary>Scheduled net export in <paramref name="slot"/> over both auctions, Wh.</summary>
    public long NetExportWh(int slot) => DayAhead(slot).NetExportWh + Intraday(slot).NetExportWh;

    /// <summary>Scheduled net import (bought - sold) in <paramref name="slot"/>, Wh.</summary>
    public long NetImportWh(int slot) => -NetExportWh(slot);
}
