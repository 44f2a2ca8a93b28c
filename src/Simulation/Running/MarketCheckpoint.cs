using System.Text.Json;
using System.Text.Json.Serialization;
using MicroMarket.RunFormat;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Physics;
using MicroMarket.Simulation.Recording;

namespace MicroMarket.Simulation.Running;

/// <summary>What a resumed run takes up: the checkpoint, the tables it kept, and the chain's state when it kept that too.</summary>
public sealed record MarketResume(MarketCheckpoint Checkpoint, RunTables Tables, string? ChainState);

/// <summary>Where the market clock stands between two phases: the next phase, the settlements still waiting for a reading, the day-ahead prices and what the price forecast has learnt.</summary>
public sealed record ClockState(int NextPhase, IReadOnlyList<PendingSettlement> Pending, IReadOnlyDictionary<int, decimal> DayAheadPrices, PriceForecasterState Forecaster);

/// <summary>
/// The run's chain at a checkpoint: its id, the market's and token's addresses, its last block, and whether the checkpoint
/// holds its whole state (<see cref="MarketCheckpoint.ChainStateFile"/>: the market node ran its own Anvil) or the
/// node keeps it (an external chain). An external development node (Anvil, Hardhat) also keeps a snapshot of the
/// checkpoint's moment (<c>evm_snapshot</c>'s id in <paramref name="Snapshot"/>), which a resumed run reverts to.
/// </summary>
public sealed record CheckpointChain(long ChainId, string MarketAddress, string TokenAddress, long Block, bool StateSaved, string? Snapshot = null);

/// <summary>
/// What a market node needs to take its run up again after it was killed (docs/cluster.md, "Resuming a market node"),
/// as of the end of one phase: the clock's position and memory, the feeder's state, the chain's addresses (and, on its
/// own Anvil, the chain's whole state), and beside this document the run's tables (<see cref="TablesFile"/>). It lives
/// in the run directory's <see cref="RunDirectory.Checkpoint"/> folder, which is replaced whole: a reader finds the
/// previous checkpoint or the next, never half of one.
/// </summary>
public sealed record MarketCheckpoint(int Version, string Scenario, int Seed, LivePace? Live, ClockState Clock, FeederPhysicsState Feeder, CheckpointChain Chain,
    IReadOnlyList<RunResumption> Resumed)
{
    /// <summary>Raised when the layout changes: a checkpoint of another layout is refused, not misread.</summary>
    public const int CurrentVersion = 1;

    public const string File = "checkpoint.json";
    public const string TablesFile = "tables.json";

    /// <summary>Anvil's own dump (<c>anvil_dumpState</c>: hex of gzipped JSON), as <c>anvil_loadState</c> takes it back.</summary>
    public const string ChainStateFile = "chain-state.txt";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // A never-energised bus's voltage extremes are NaN.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// Writes the checkpoint into <paramref name="runDirectory"/>: the whole folder is written beside the current one
    /// (its document last) and then takes its place, so a node killed meanwhile leaves one whole checkpoint.
    /// </summary>
    /// <returns>The checkpoint's size in bytes.</returns>
    public long Write(string runDirectory, byte[] tables, string? chainState)
    {
        var folder = Path.Combine(runDirectory, RunDirectory.Checkpoint);
        var writing = RunDirectory.Partial(folder);
        if (!Directory.Exists(folder) && IsWhole(writing))
        {
            // Killed between the last checkpoint's two moves: that one is whole, and becomes the current one first.
            Directory.Move(writing, folder);
        }
        if (Directory.Exists(writing))
        {
            Directory.Delete(writing, recursive: true);
        }
        Directory.CreateDirectory(writing);
        System.IO.File.WriteAllBytes(Path.Combine(writing, TablesFile), tables);
        if (chainState is not null)
        {
            System.IO.File.WriteAllText(Path.Combine(writing, ChainStateFile), chainState);
        }
        var document = JsonSerializer.SerializeToUtf8Bytes(this, Json);
        System.IO.File.WriteAllBytes(Path.Combine(writing, File), document);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.Move(writing, folder);
        return tables.LongLength + document.LongLength + (chainState?.Length ?? 0);
    }

    /// <summary>The checkpoint in <paramref name="runDirectory"/>, or null when there is none.</summary>
    /// <exception cref="InvalidDataException">There is one, but it cannot be read, or it is of another layout.</exception>
    public static MarketCheckpoint? Read(string runDirectory)
    {
        if (Folder(runDirectory) is not { } folder)
        {
            return null;
        }
        MarketCheckpoint? checkpoint;
        try
        {
            checkpoint = JsonSerializer.Deserialize<MarketCheckpoint>(System.IO.File.ReadAllBytes(Path.Combine(folder, File)), Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"its checkpoint cannot be read: {ex.Message}", ex);
        }
        return checkpoint is null ? throw new InvalidDataException("its checkpoint is empty")
            : checkpoint.Version != CurrentVersion ? throw new InvalidDataException($"its checkpoint is of layout {checkpoint.Version}, this program reads layout {CurrentVersion}")
            : checkpoint;
    }

    /// <summary>The run's tables as the checkpoint kept them.</summary>
    public static RunTables ReadTables(string runDirectory, SimulationCalendar calendar, IReadOnlyList<UnitInfo> units)
    {
        using var stream = System.IO.File.OpenRead(Path.Combine(Folder(runDirectory)!, TablesFile));
        return RunTables.Load(stream, calendar, units);
    }

    /// <summary>The chain's whole state, when the checkpoint holds it.</summary>
    public string? ReadChainState(string runDirectory) =>
        Chain.StateSaved ? System.IO.File.ReadAllText(Path.Combine(Folder(runDirectory)!, ChainStateFile)) : null;

    /// <summary>The run is over: nothing is left to resume.</summary>
    public static void Delete(string runDirectory)
    {
        foreach (var folder in new[] { Path.Combine(runDirectory, RunDirectory.Checkpoint), RunDirectory.Partial(Path.Combine(runDirectory, RunDirectory.Checkpoint)) })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>The whole checkpoint's folder: the current one, or one killed between its two moves.</summary>
    private static string? Folder(string runDirectory)
    {
        var folder = Path.Combine(runDirectory, RunDirectory.Checkpoint);
        return IsWhole(folder) ? folder : IsWhole(RunDirectory.Partial(folder)) && !Directory.Exists(folder) ? RunDirectory.Partial(folder) : null;
    }

    /// <summary>Its document is written last: a folder that has it is whole.</summary>
    private static bool IsWhole(string folder) => System.IO.File.Exists(Path.Combine(folder, File));
}
