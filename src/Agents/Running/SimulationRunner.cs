using MicroMarket.RunFormat;
using Akka.Actor;
using Akka.Hosting;
using MicroMarket.Agents.Actors;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Recording;
using MicroMarket.Simulation.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MicroMarket.Agents.Running;

/// <summary>How to run: where the run directory goes and which chain to use (null: start Anvil).</summary>
public sealed record RunOptions(string OutputDirectory, Uri? ChainUrl = null, Action<RunProgress>? Progress = null)
{
    /// <summary>Someone whose transactions are mined ahead of every batch (tests only: a griefer).</summary>
    public IFrontRunner? FrontRunner { get; init; }

    /// <summary>
    /// Readings lost between a simulated unit's meter and the market, by (unit id, slot): the units
    /// settle those slots as missing, as when a meter's link fails (tests of the missing-reading rule).
    /// </summary>
    public IReadOnlySet<(string Unit, int Slot)> LostReadings { get; init; } = new HashSet<(string, int)>();

    /// <summary>The wall clock: what live phases and a device's slots wait for, and what the run's duration is measured on.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Who asked the run to stop once the cancellation token fires (a signal's name), for summary.json.</summary>
    public Func<string?> StopCause { get; init; } = () => null;

    /// <summary>The actor log's level on standard error: warnings, or informational lines too (<c>--verbose</c>).</summary>
    public Akka.Event.LogLevel LogLevel { get; init; } = Akka.Event.LogLevel.WarningLevel;

    /// <summary>
    /// The per-slot tables' format (<c>run --format</c>), for the plan <see cref="SimulationRunner.RunAsync(Scenario, RunOptions, CancellationToken)"/>
    /// builds; a caller with a plan of its own sets <see cref="ScenarioPlan.Tables"/>.
    /// </summary>
    public TableFormatChoice Tables { get; init; } = TableFormatChoice.Auto;
}

/// <summary>
/// Runs a scenario end to end in one process: the market host and every unit in one actor system.
/// The host starts Anvil (or uses the given Anvil node), deploys the contracts, registers the units
/// and has them fund their escrow, runs the market clock over the timeline, writes and verifies the
/// run directory, and stops Anvil. A Ctrl+C finishes the phase under way and leaves a consistent
/// partial run marked incomplete. The cluster (<c>micromarket node</c>) runs the same actors spread
/// over processes.
/// </summary>
public static class SimulationRunner
{
    public static Task<RunResult> RunAsync(Scenario scenario, RunOptions options, CancellationToken cancellationToken)
    {
        var plan = new ScenarioPlan(scenario) { Tables = options.Tables };
        return RunAsync(plan, plan.Units.Select(plan.Hosted).ToList(), options, cancellationToken);
    }

    /// <summary>Runs <paramref name="plan"/> with these units (every unit of the plan, as this process hosts them).</summary>
    public static async Task<RunResult> RunAsync(ScenarioPlan plan, IReadOnlyList<HostedUnit> units, RunOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        using var access = new MarketAccess();
        var finished = new TaskCompletionSource<RunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new HostSettings(plan, options.OutputDirectory, new ChainSettings(options.ChainUrl), finished)
        {
            Progress = options.Progress,
            FrontRunner = options.FrontRunner,
            LostReadings = options.LostReadings,
            Time = options.Time,
        };
        using var host = ActorHosting.Build("micromarket", akka => akka.WithActors((system, registry) =>
        {
            var market = system.ActorOf(MarketHostActor.Props(settings), "market");
            registry.Register<MarketHostActor>(market);
            system.ActorOf(UnitNodeActor.Props(units, access, market, new TaskCompletionSource<bool>(), options.Time), "units");
        }), options.LogLevel);
        await host.StartAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var market = host.Services.GetRequiredService<ActorRegistry>().Get<MarketHostActor>();
            using (cancellationToken.Register(() => market.Tell(new ClockProtocol.StopAfterCurrentPhase(options.StopCause()))))
            {
                return await finished.Task.ConfigureAwait(false);
            }
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
