using MicroMarket.Market.Chain;

namespace MicroMarket.Agents.Running;

/// <summary>
/// Someone who sees every batch the market host sends before it is mined and gets transactions of
/// its own into the same block, ahead of it: a front-runner, or a griefer doing the operator's work
/// (clearing, relaying, settling) first. A run has none; tests put one in to prove that nothing
/// anyone may do first can stop or change the run (docs/market-rules.md: idempotent batches).
/// </summary>
public interface IFrontRunner
{
    /// <summary>The transactions to mine ahead of <paramref name="batch"/> (their outcomes are not the run's).</summary>
    IReadOnlyList<TxRequest> Before(IReadOnlyList<TxRequest> batch);
}
