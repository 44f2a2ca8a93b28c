using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Physics;
using MicroMarket.Simulation.Recording;
using static MicroMarket.Simulation.Recording.RunEvents;

namespace MicroMarket.Simulation.Tests;

/// <summary>A market node's checkpoint keeps the run's tables: saved and loaded, they are the same tables.</summary>
public sealed class RunTablesStateTests
{
    private static readonly MarketSettings Market = new(new TimeOnly(12, 0), 60, 15, 0, 3, 20, 0.3m, 1m, 0.05m, 500, 1, IntradayMinCorrectionWh: 0);
    private static readonly SimulationCalendar Calendar = new(new ScenarioTime(new DateOnly(2026, 6, 15), 1, 15, "UTC"), Market);

    private static readonly IReadOnlyList<UnitInfo> Units =
        [new("slack", 1, UnitKind.Slack, "bus-0", "ABC"), new("pv", 2, UnitKind.Pv, "bus-1", "A"), new("house", 3, UnitKind.Load, "bus-2", "B")];

    [Fact]
    public void Tables_saved_and_loaded_write_the_same_files_as_the_original()
    {
        var original = Filled();
        using var saved = new MemoryStream();
        original.Save(saved);
        saved.Position = 0;

        var loaded = RunTables.Load(saved, Calendar, Units);

        var (a, b) = (Directory.CreateTempSubdirectory("tables-a-").FullName, Directory.CreateTempSubdirectory("tables-b-").FullName);
        try
        {
            original.Write(a, TableFormat.Csv);
            loaded.Write(b, TableFormat.Csv);
            Assert.All(RunDirectory.PerSlotTables, table => Assert.Equal(File.ReadAllText(Path.Combine(a, table)), File.ReadAllText(Path.Combine(b, table))));
            Assert.Equal(original.LastDeliveredSlot, loaded.LastDeliveredSlot);
            // The loaded tables take the next reports as the original would.
            loaded.Apply(new Cleared([new ClearedSlot(MarketStage.Intraday, 5, 0.2m, 100)]));
            Assert.Equal(0.2m, loaded.SlotRows.Single(r => r.Slot == 5).IntradayPrice);
        }
        finally
        {
            Directory.Delete(a, recursive: true);
            Directory.Delete(b, recursive: true);
        }
    }

    [Fact]
    public void Tables_of_another_layout_are_refused()
    {
        using var other = new MemoryStream("""{"Version":99,"UnitRows":[],"SlotRows":[],"Orders":[],"Transactions":[],"LastDeliveredSlot":-1}"""u8.ToArray());

        var refused = Assert.Throws<InvalidDataException>(() => RunTables.Load(other, Calendar, Units));
        Assert.Contains("layout 99", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Every kind of report, with awkward values: a NaN voltage, decimals with trailing zeros, nulls.</summary>
    private static RunTables Filled()
    {
        var tables = new RunTables(Calendar, Units);
        var curve = new OrderCurve([new OrderStep(120_000, 700), new OrderStep(300_000, 300)]);
        tables.Apply(new Bids(MarketStage.DayAhead, 4, [("house", new BidDecision(new SlotOrders(4, [curve], [OrderCurve.Empty]), [-1.25]))]));
        tables.Apply(new StepFills(MarketStage.DayAhead, 4, "house", [700, 100, 0, 0], [0, 0, 0, 0]));
        tables.Apply(new Cleared([new ClearedSlot(MarketStage.DayAhead, 4, 0.120m, 800), new ClearedSlot(MarketStage.DayAhead, 5, null, 0)]));
        tables.Apply(new Positions(MarketStage.DayAhead, "house", 4, [new SlotPosition(800, 0)]));
        var request = new TxRequest(EthKey.FromHex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"), null, [], 21_000, "bid");
        tables.Apply(new Transactions(TransactionPurpose.DayAheadOrders, 0, [new TxRecord("house", 4, 3, new TxOutcome(request, TxStatus.Succeeded, "0xabc", 100_000, 7, [], null, null))]));
        var physics = new SlotPhysics(1.1, 2.2, 0.01, 1.0 / 3, 0, 0, 0, 0, double.NaN, 1.02, 0, BalanceOutcome.Balanced, GensetState: GensetState.On);
        tables.Apply(new Delivered(4, physics,
        [
            new UnitDelivered("house", new DeliveryRequest(4, new SlotPosition(800, 0), default), new DeliveryProposal(DeliveryRole.SetPoint, -3.2, 0.95),
                new UnitFlow("house", -3.2, 800, 0, 0.987654321), new UnitSlotState(NotServedKwh: 0.1), null),
        ]));
        tables.Apply(new Settled(4, 0.144m, 0.096m, [new UnitSettled("house", -96_000_000, 1_000, 0, 0, 12, false), new UnitSettled("pv", 0, 0, 50_000_000, 0, 0, true)]));
        tables.Apply(new UpliftCharged(4, [("house", 10_000)]));
        tables.Apply(new Balances(4, [new AccountRead("house", 499.904000m, 1.50m, 0m)]));
        return tables;
    }
}
