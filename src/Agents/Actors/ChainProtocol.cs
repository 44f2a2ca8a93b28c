using MicroMarket.Market.Chain;

namespace MicroMarket.Agents.Actors;

/// <summary>The chain gateway executes one batch of transactions in a block at a given time.</summary>
public static class ChainProtocol
{
    public sealed record ExecuteBatch(long PhaseId, string Label, IReadOnlyList<TxRequest> Requests, long BlockTime);

    public sealed record BatchExecuted(long PhaseId, string Label, IReadOnlyList<TxOutcome> Outcomes);

    public sealed record BatchFailed(long PhaseId, string Label, string Reason);
}
