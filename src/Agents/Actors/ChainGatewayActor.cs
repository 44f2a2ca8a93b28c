using Akka.Actor;
using MicroMarket.Market.Chain;
using static MicroMarket.Agents.Actors.ChainProtocol;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// The one place transactions leave for the chain: each batch goes through the pipeline (gas,
/// nonces, signing, one mining round at the batch's time, every receipt checked) and the outcomes
/// go back to whoever asked. The pipeline serialises batches itself.
/// </summary>
public sealed class ChainGatewayActor : ReceiveActor
{
    public ChainGatewayActor(TransactionPipeline pipeline)
    {
        Receive<ExecuteBatch>(m =>
        {
            var replyTo = Sender;
            pipeline.ExecuteAsync(m.Requests, m.BlockTime).PipeTo(replyTo, Self,
                success: outcomes => new BatchExecuted(m.PhaseId, m.Label, outcomes),
                failure: ex => new BatchFailed(m.PhaseId, m.Label, ex.Message));
        });
    }

    public static Props Props(TransactionPipeline pipeline) => Akka.Actor.Props.Create(() => new ChainGatewayActor(pipeline));
}
