using System.Numerics;
using System.Text;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using Nethereum.Hex.HexConvertors.Extensions;

namespace MicroMarket.Market.Contracts;

/// <summary>A meter reading with its meter's EIP-712 signature (r || s || v), ready for anyone to relay.</summary>
public sealed record SignedMeterReading(uint Unit, uint Slot, ulong ImportWh, ulong ExportWh, byte[] Signature)
{
    public MeterReading ToStruct() => new() { Unit = Unit, Slot = Slot, ImportWh = ImportWh, ExportWh = ExportWh };
}

/// <summary>
/// Signs meter readings the way the contract verifies them: EIP-712 typed data
/// <c>MeterReading(uint32 unit,uint32 slot,uint64 importWh,uint64 exportWh)</c> under the domain
/// (name "MicroMarket", version "1", chain id, market address). The digest is computed here, not by
/// Nethereum's generic typed-data signer, because a meter node signs every slot and the simulator
/// signs thousands; a test checks it against the contract's <c>readingDigest</c>.
/// </summary>
public sealed class MeterReadingSigner
{
    private static readonly byte[] DomainTypeHash =
        Keccak.Hash(Encoding.UTF8.GetBytes("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"));

    private static readonly byte[] ReadingTypeHash =
        Keccak.Hash(Encoding.UTF8.GetBytes("MeterReading(uint32 unit,uint32 slot,uint64 importWh,uint64 exportWh)"));

    private readonly byte[] _domainSeparator;

    public MeterReadingSigner(long chainId, string marketAddress)
    {
        _domainSeparator = Keccak.Hash(Concat(
            DomainTypeHash,
            Keccak.Hash(Encoding.UTF8.GetBytes("MicroMarket")),
            Keccak.Hash(Encoding.UTF8.GetBytes("1")),
            Word(chainId),
            Word(new BigInteger(marketAddress.HexToByteArray(), isUnsigned: true, isBigEndian: true))));
    }

    public byte[] Digest(uint unit, uint slot, ulong importWh, ulong exportWh)
    {
        var structHash = Keccak.Hash(Concat(ReadingTypeHash, Word(unit), Word(slot), Word(importWh), Word(exportWh)));
        return Keccak.Hash(Concat([0x19, 0x01], _domainSeparator, structHash));
    }

    public SignedMeterReading Sign(EthKey meterKey, uint unit, uint slot, ulong importWh, ulong exportWh) =>
        new(unit, slot, importWh, exportWh, meterKey.SignHashRsv(Digest(unit, slot, importWh, exportWh)));

    /// <summary>Who signed a reading (null: a malformed signature): the contract accepts it only from the unit's registered meter.</summary>
    public string? Signer(SignedMeterReading reading) =>
        EthKey.Recover(Digest(reading.Unit, reading.Slot, reading.ImportWh, reading.ExportWh), reading.Signature);

    /// <summary>An ABI word: a non-negative integer, 32 bytes big-endian.</summary>
    private static byte[] Word(BigInteger value)
    {
        var word = new byte[32];
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes.CopyTo(word, 32 - bytes.Length);
        return word;
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }
        return result;
    }
}
