using Akka.Actor;
using MicroMarket.Agents.Running;
using MicroMarket.Market.Chain;
using static MicroMarket.Agents.Actors.ChainProtocol;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// The one place transactions leave for the chain: each batch goes through the pipeline (gas,
/// nonces, signing, one mining round at the batch's time, every receipt checked) and the outcomes
/// go back to whoever asked. The pipeline serialises batches itself. A front-runner (tests only)
/// gets its own transactions mined ahead of each batch, in the same block.
/// </summary>
public sealed class ChainGatewayActor : ReceiveActor
{
    public ChainGatewayActor(TransactionPipeline pipeline, IFrontRunner? frontRunner)
    {
        Receive<ExecuteBatch>(m =>
        {
            var replyTo = Sender;
            Execute(m).PipeTo(replyTo, Self,
                success: outcomes => new BatchExecuted(m.PhaseId, m.Label, outcomes),
                failure: ex => new BatchFailed(m.PhaseId, m.Label, ex.Message));
        });

        async Task<IReadOnlyList<TxOutcome>> Execute(ExecuteBatch m)
        {
            var ahead = frontRunner?.Before(m.Requests) ?? [];
            var outcomes = await pipeline.ExecuteAsync([.. ahead, .. m.Requests], m.BlockTime).ConfigureAwait(false);
            return outcomes.Skip(ahead.Count).ToList();
        }
    }

    public static Props Props(TransactionPipeline pipeline, IFrontRunner? frontRunner) => Akka.Actor.Props.Create(() => new ChainGatewayActor(pipeline, frontRunner));
}
