using Akka.Actor;
using MicroMarket.Market.Chain;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// Signs for a unit by asking its actor, wherever it runs: the transaction goes to the unit, the
/// unit checks that it asked for it and signs it with its own key, the signed bytes come back.
/// Used by the transaction pipeline (a task, never an actor's handler).
/// </summary>
public sealed class UnitSigner(string address, IActorRef unit, TimeSpan timeout) : ITransactionSigner
{
    public string Address { get; } = address;

    public async ValueTask<SignedTransaction> SignAsync(RawTransaction transaction, CancellationToken cancellationToken)
    {
        var answer = await unit.Ask<object>(new HostProtocol.SignTransaction(transaction), timeout, cancellationToken).ConfigureAwait(false);
        return answer switch
        {
            HostProtocol.TransactionSigned signed => signed.Transaction,
            HostProtocol.SigningRefused refused => throw new InvalidOperationException($"{Address} refused to sign: {refused.Reason}"),
            _ => throw new InvalidOperationException($"{Address} answered {answer.GetType().Name} to a signing request"),
        };
    }
}
