using System.Numerics;

namespace MicroMarket.Market.Chain;

/// <summary>What a transaction does, before anyone signs it: contract, calldata, gas limit.</summary>
public sealed record TxIntent(string To, byte[] Data, long? GasLimit, string Label)
{
    /// <summary>The request the pipeline signs with <paramref name="key"/> (nonce and fees its own).</summary>
    public TxRequest By(EthKey key) => new(key, To, Data, GasLimit, Label);

    /// <summary>
    /// Signed by the holder of <paramref name="key"/> itself, at <paramref name="nonce"/>, with the
    /// quoted fees <paramref name="place"/> wei ahead (see <see cref="TransactionFees.Ahead"/>; below
    /// <see cref="TransactionFees.OwnerPlaces"/>), sending no ether: how a unit signs its own
    /// transactions, its key never leaving it. The intent must carry its gas limit (nobody estimates
    /// on the signer's behalf).
    /// </summary>
    public SignedIntent SignedBy(EthKey key, BigInteger nonce, TransactionFees fees, long place, long chainId)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(fees);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(place, TransactionFees.OwnerPlaces);
        var gas = GasLimit ?? throw new InvalidOperationException($"{Label}: a transaction its owner signs needs a gas limit.");
        var (tip, maxFee) = fees.Ahead(place);
        return new SignedIntent(new RawTransaction(nonce, tip, maxFee, gas, To, BigInteger.Zero, Data, chainId).Sign(key), Label);
    }
}

/// <summary>A transaction its owner signed, and what it is for: what a unit hands the market host to send.</summary>
public sealed record SignedIntent(SignedTransaction Transaction, string Label)
{
    public TxRequest ToRequest() => new(Transaction, Label);
}
