using System.Numerics;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.RLP;

namespace MicroMarket.Market.Chain;

/// <summary>
/// A legacy transaction with EIP-155 replay protection, encoded and signed here rather than by
/// Nethereum's transaction signer, so that thousands can be signed per second on all cores.
/// Legacy (type 0) transactions are accepted by Anvil, Geth and every other node.
/// </summary>
public sealed record RawTransaction(
    BigInteger Nonce,
    BigInteger GasPrice,
    long GasLimit,
    string? To,
    BigInteger Value,
    byte[] Data,
    long ChainId)
{
    /// <summary>The signed transaction (for eth_sendRawTransaction) and its hash.</summary>
    public SignedTransaction Sign(EthKey key)
    {
        var signingHash = Keccak.Hash(Encode(ChainId, 0, 0));
        var (r, s, recoveryId) = key.SignHash(signingHash);
        var v = ChainId * 2 + 35 + recoveryId;
        var raw = Encode(v, new BigInteger(r, isUnsigned: true, isBigEndian: true), new BigInteger(s, isUnsigned: true, isBigEndian: true));
        return new SignedTransaction(raw, Keccak.Hash(raw).ToHex(prefix: true));
    }

    private byte[] Encode(BigInteger v, BigInteger r, BigInteger s) =>
        RLP.EncodeList(
            Scalar(Nonce),
            Scalar(GasPrice),
            Scalar(GasLimit),
            RLP.EncodeElement(To is null ? [] : To.HexToByteArray()),
            Scalar(Value),
            RLP.EncodeElement(Data),
            Scalar(v),
            Scalar(r),
            Scalar(s));

    /// <summary>RLP integers are big-endian with no leading zero bytes; zero is the empty string.</summary>
    private static byte[] Scalar(BigInteger value) =>
        RLP.EncodeElement(value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true));
}

public sealed record SignedTransaction(byte[] Raw, string Hash)
{
    public string RawHex => Raw.ToHex(prefix: true);
}
