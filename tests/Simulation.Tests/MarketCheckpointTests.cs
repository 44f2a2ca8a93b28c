using MicroMarket.RunFormat;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Physics;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Simulation.Tests;

/// <summary>A market node's checkpoint: replaced whole, read back as written, and what it keeps of the price forecast.</summary>
public sealed class MarketCheckpointTests : IDisposable
{
    private readonly string _run = Directory.CreateTempSubdirectory("checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_run, recursive: true);

    [Fact]
    public void A_run_directory_without_one_has_none_and_a_written_one_reads_back_as_it_was()
    {
        Assert.Null(MarketCheckpoint.Read(_run));

        Checkpoint(5).Write(_run, [1, 2, 3], "0xstate");
        Checkpoint(9).Write(_run, [4], "0xlater");

        var read = MarketCheckpoint.Read(_run)!;
        Assert.Equal(9, read.Clock.NextPhase);
        Assert.Equal("0xlater", read.ReadChainState(_run));
        Assert.Equal(0.12m, read.Clock.DayAheadPrices[4]);
        Assert.Equal(new PendingSettlement(3, 2, "house"), Assert.Single(read.Clock.Pending));
        Assert.True(double.IsNaN(read.Feeder.BusMinPu[1]));
        Assert.Equal([4], File.ReadAllBytes(Path.Combine(_run, RunDirectory.Checkpoint, MarketCheckpoint.TablesFile)));
        Assert.False(Directory.Exists(RunDirectory.Partial(Path.Combine(_run, RunDirectory.Checkpoint))));
    }

    [Fact]
    public void A_node_killed_between_the_two_moves_leaves_the_new_checkpoint_whole_and_the_next_write_takes_it_up()
    {
        Checkpoint(5).Write(_run, [1], null);
        // Killed after the old folder went and before the new one took its name.
        var folder = Path.Combine(_run, RunDirectory.Checkpoint);
        Directory.Move(folder, RunDirectory.Partial(folder));

        Assert.Equal(5, MarketCheckpoint.Read(_run)!.Clock.NextPhase);
        Checkpoint(6).Write(_run, [2], null);
        Assert.Equal(6, MarketCheckpoint.Read(_run)!.Clock.NextPhase);
        MarketCheckpoint.Delete(_run);
        Assert.Null(MarketCheckpoint.Read(_run));
    }

    [Fact]
    public void A_node_killed_while_writing_leaves_the_previous_checkpoint()
    {
        Checkpoint(5).Write(_run, [1], null);
        // A folder being written has no document yet.
        var writing = Directory.CreateDirectory(RunDirectory.Partial(Path.Combine(_run, RunDirectory.Checkpoint))).FullName;
        File.WriteAllBytes(Path.Combine(writing, MarketCheckpoint.TablesFile), [9]);

        Assert.Equal(5, MarketCheckpoint.Read(_run)!.Clock.NextPhase);
    }

    [Fact]
    public void A_checkpoint_of_another_layout_is_refused()
    {
        (Checkpoint(5) with { Version = 99 }).Write(_run, [1], null);

        Assert.Contains("layout 99", Assert.Throws<InvalidDataException>(() => MarketCheckpoint.Read(_run)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_restored_price_forecaster_expects_and_scores_as_the_one_it_was_saved_from()
    {
        static decimal Merit(int slot) => slot % 96 < 48 ? 0.30m : 0.10m;
        var original = new PriceForecaster(96, 4, Merit, 0m, 3m);
        original.Outlook(0);
        original.Learn(10, 0.50m);
        original.Learn(60, 0.05m);

        var restored = new PriceForecaster(96, 4, Merit, 0m, 3m);
        restored.Restore(original.Save());

        Assert.Equal(original.Error, restored.Error);
        Assert.Equal(original.ExpectedAt(10), restored.ExpectedAt(10));
        Assert.Equal(original.Outlook(1).Prices, restored.Outlook(1).Prices);
    }

    private static MarketCheckpoint Checkpoint(int next) => new(MarketCheckpoint.CurrentVersion, "quickstart", 42, null,
        new ClockState(next, [new PendingSettlement(3, 2, "house")], new Dictionary<int, decimal> { [4] = 0.12m },
            new PriceForecasterState([0.01m, null], new Dictionary<int, decimal> { [4] = 0.11m }, 0.01m, 1)),
        new FeederPhysicsState([0.98, double.NaN], [1.01, double.NaN], true, 3),
        new CheckpointChain(31337, "0x01", "0x02", 40, StateSaved: true), []);
}
