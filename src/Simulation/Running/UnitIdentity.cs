using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.RunFormat;
using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Simulation.Running;

/// <summary>
/// A unit on chain: its registry index, id, and the addresses of its trading and meter keys. The
/// keys themselves never leave the unit's node (the meter's, for a simulated unit, the metering service).
/// </summary>
public sealed record UnitIdentity(uint Index, string Id, string TraderAddress, string MeterAddress);

/// <summary>
/// Where the market is: what a unit needs to build and sign its transactions and read the chain.
/// <paramref name="HostMines"/>: the market host mines every block itself (Anvil), so a tip buys
/// nothing (see <see cref="TransactionFees"/>).
/// </summary>
public sealed record MarketLocation(Uri RpcUrl, string MarketAddress, string TokenAddress, MarketParameters Parameters, bool HostMines);

/// <summary>
/// A unit a node hosts: its agent, its trading key and, on a Pi, its relay and meter (which holds
/// the meter key). A simulated unit's meter is the grid operator's: the metering service on the
/// market node signs its readings, so no participant ever holds its own meter key.
/// </summary>
/// <param name="fresh">Builds the unit's agent as it was before the first slot (the plan's, built again).</param>
public sealed class HostedUnit(UnitIdentity identity, IUnitAgent agent, EthKey trader, Func<IUnitAgent> fresh, IUnitDevice? device = null)
{
    public UnitIdentity Identity { get; } = identity;

    public EthKey Trader { get; } = trader;

    public IUnitDevice? Device { get; } = device;

    /// <summary>
    /// The agent and how far its physics has gone. It lives as long as the node's process, not as long as the unit's
    /// actor: an actor restarted in the same process finds its agent's physics where it was.
    /// </summary>
    public UnitPhysics Physics { get; } = new(agent, fresh);
}

/// <summary>
/// A unit's agent and the slots its physics has applied (battery charge, a car's session, a flexible load's progress
/// move only when a slot's delivery is applied). Each slot is applied once: when the market's record of what was
/// delivered is behind the agent (a market resumed from a checkpoint older than the unit's last slot), the agent is
/// built again and the record replayed, so the physics is the record's, never the record's plus the slots the market
/// is about to deliver again.
/// </summary>
public sealed class UnitPhysics(IUnitAgent agent, Func<IUnitAgent> fresh)
{
    public IUnitAgent Agent { get; private set; } = agent;

    /// <summary>The first slot whose delivery the agent has not applied.</summary>
    public int Next { get; private set; }

    public UnitSlotState Apply(int slot, double actualPowerKw)
    {
        var state = Agent.ApplyDelivery(slot, actualPowerKw);
        Next = slot + 1;
        return state;
    }

    /// <summary>
    /// Takes up what the market recorded as delivered in every slot so far (0 kW while the unit was away): the slots the
    /// agent has not applied are applied as recorded. Returns whether the agent had gone further than the record and
    /// was built again from it.
    /// </summary>
    public bool CatchUp(IReadOnlyList<double> deliveredKw)
    {
        var rebuilt = deliveredKw.Count < Next;
        if (rebuilt)
        {
            Agent = fresh();
            Next = 0;
        }
        for (var slot = Next; slot < deliveredKw.Count; slot++)
        {
            Agent.ApplyDelivery(slot, deliveredKw[slot]);
        }
        Next = Math.Max(Next, deliveredKw.Count);
        return rebuilt;
    }
}

/// <summary>A unit whose reading of a slot never came: its settlement waits for the reading window to close.</summary>
public sealed record PendingSettlement(int Slot, uint UnitIndex, string UnitId);

/// <summary>
/// How a run ended: complete or not, the phases done, why it stopped early (null: stopped on request), and who asked
/// it to stop (a signal's name such as SIGINT; null when nobody did or nobody said).
/// </summary>
public sealed record RunOutcome(bool Complete, int PhasesDone, string? Failure, string? Interrupted = null)
{
    /// <summary>When the run was taken up again from a checkpoint, each time (null: it never stopped).</summary>
    public IReadOnlyList<RunResumption>? Resumed { get; init; }
}

/// <summary>A run as written: how it ended (see <see cref="RunOutcome"/>), its directory, its invariants and KPIs.</summary>
public sealed record RunResult(bool Complete, string? Failure, string OutputDirectory, RunVerification Verification, RunKpis Kpis, string? Interrupted = null);

/// <summary>
/// Progress for displays: the phase under way, the market transactions mined before it (as summary.json counts them:
/// the setup's deployment, registration and funding left out), and the wall time since the start.
/// </summary>
public sealed record RunProgress(int PhaseIndex, int PhaseCount, SimulationPhase Phase, long MarketTransactions, TimeSpan Elapsed)
{
    /// <summary>
    /// The pace so far for someone waiting on a run of <paramref name="days"/> days: the wall time since the start,
    /// simulated days per wall-clock minute and the time left at that pace ("0:42 elapsed · 3.1 days/min · 1:15 left").
    /// Every day has the same phases, so the share of phases done is the share of days done; the start (chain,
    /// contracts, funding) counts in the elapsed time, so the first estimates are pessimistic.
    /// </summary>
    public string Pace(int days)
    {
        var done = (double)PhaseIndex / PhaseCount;
        var daysPerMinute = done * days / Math.Max(Elapsed.TotalMinutes, 1e-9);
        var left = done > 0 ? Clock(Elapsed * ((1 - done) / done)) : "?";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Clock(Elapsed)} elapsed · {daysPerMinute:0.0} days/min · {left} left");
    }

    private static string Clock(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t:mm\\:ss}" : $"{(int)t.TotalMinutes}:{t:ss}";
}
