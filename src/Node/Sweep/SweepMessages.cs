namespace MicroMarket.Node.Sweep;

/// <summary>A worker has this many more free slots for runs (sent once with all its slots, then once per finished run).</summary>
public sealed record SweepReady(int Slots);

/// <summary>Run this: the run's id (its folder name) and its scenario, resolved (absolute paths, every unit listed).</summary>
public sealed record SweepAssignment(string RunId, string Scenario);

/// <summary>One piece of a finished run's directory, zipped: a run directory outgrows one message.</summary>
public sealed record SweepRunPart(string RunId, int Index, byte[] Bytes);

/// <summary>A run ended: its exit code, its console output, and how many parts its zipped directory came in (before this).</summary>
public sealed record SweepRunDone(string RunId, int Exit, string Log, int Parts);

/// <summary>The sweep was asked to stop (Ctrl+C on the coordinator): interrupt the runs under way, take no more.</summary>
public sealed record SweepStop
{
    public static readonly SweepStop Instance = new();
}

/// <summary>The sweep is over: a worker node may end.</summary>
public sealed record SweepOver
{
    public static readonly SweepOver Instance = new();
}
