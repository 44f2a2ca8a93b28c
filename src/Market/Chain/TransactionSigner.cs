namespace MicroMarket.Market.Chain;

/// <summary>
/// Whoever signs an account's transactions. A local key signs at once (<see cref="EthKey"/>); a unit
/// on another node signs where its key lives, so keys never travel: the signer receives the
/// transaction it is asked to sign, can check it is the one it asked for, and returns the signed bytes.
/// </summary>
public interface ITransactionSigner
{
    /// <summary>The account's checksummed address.</summary>
    string Address { get; }

    ValueTask<SignedTransaction> SignAsync(RawTransaction transaction, CancellationToken cancellationToken);
}

/// <summary>What a transaction does, before anyone signs it: the unit's side of a request.</summary>
public sealed record TxIntent(string To, byte[] Data, long? GasLimit, string Label)
{
    public TxRequest By(ITransactionSigner signer) => new(signer, To, Data, GasLimit, Label);
}
