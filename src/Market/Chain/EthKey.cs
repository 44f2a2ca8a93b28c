using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Util;
using Secp256k1Net;

namespace MicroMarket.Market.Chain;

/// <summary>
/// An Ethereum account's secp256k1 key. Signing calls libsecp256k1 itself (Secp256k1.Net bundles
/// it for linux-x64 and linux-arm64), about ten times faster than Nethereum's or NBitcoin's
/// managed signers, and is safe to call from many threads at once.
/// The private key never appears in <see cref="ToString"/>; export it only on purpose.
/// </summary>
public sealed class EthKey
{
    private const int SignatureBytes = 64;

    // A libsecp256k1 context per thread: signing on many cores must not share mutable context state.
    private static readonly ThreadLocal<Secp256k1> Context = new(() => new Secp256k1());

    private readonly byte[] _secret;

    private EthKey(byte[] secret)
    {
        if (secret.Length != 32 || !Context.Value!.EcSeckeyVerify(secret))
        {
            throw new ArgumentException("Not a valid secp256k1 private key (zero or not below the curve order).");
        }
        _secret = secret;
        Address = AddressOf(secret);
    }

    /// <summary>Checksummed (EIP-55) address.</summary>
    public string Address { get; }

    public static EthKey FromHex(string privateKeyHex)
    {
        var bytes = privateKeyHex.HexToByteArray();
        if (bytes.Length != 32)
        {
            throw new ArgumentException($"A private key has 32 bytes, this one {bytes.Length}.", nameof(privateKeyHex));
        }
        return new EthKey(bytes);
    }

    /// <summary>
    /// A reproducible key for simulated participants: keccak256(utf8(seed) || index as 4 bytes
    /// big-endian), re-hashed in the astronomically unlikely case it is not a valid key.
    /// Never use derived keys on a chain that holds real value.
    /// </summary>
    public static EthKey Derive(string seed, int index)
    {
        var material = Encoding.UTF8.GetBytes(seed);
        var input = new byte[material.Length + 4];
        material.CopyTo(input, 0);
        BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(material.Length), index);
        var secret = Keccak.Hash(input);
        while (!Context.Value!.EcSeckeyVerify(secret))
        {
            secret = Keccak.Hash(secret);
        }
        return new EthKey(secret);
    }

    /// <summary>
    /// Why no key can be used in a process of <paramref name="architecture"/>, or null where keys work: Secp256k1.Net
    /// bundles libsecp256k1 for x64, x86 and arm64 only, so a 32-bit ARM process (32-bit Raspberry Pi OS) would fail at its
    /// first key. Refused rather than served by a managed secp256k1: no linux-arm .NET runtime can be had from the
    /// package registry the project builds from, so such a build could be neither made nor tested (docs/cluster.md).
    /// </summary>
    public static string? CannotSignOn(Architecture architecture) =>
        architecture is Architecture.X64 or Architecture.X86 or Architecture.Arm64
            ? null
            : $"signing needs libsecp256k1, bundled for x64, x86 and arm64 only, and this process runs on {architecture.ToString().ToLowerInvariant()}: " +
              "run the linux-arm64 build on a 64-bit OS (on a Raspberry Pi 3, 4, 5 or Zero 2 W: 64-bit Raspberry Pi OS)";

    public string ExportPrivateKeyHex() => _secret.ToHex(prefix: true);

    /// <summary>Signs a 32-byte hash; returns r, s (32 bytes each, low-s) and the recovery id (0 or 1).</summary>
    public (byte[] R, byte[] S, int RecoveryId) SignHash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != Keccak.HashBytes)
        {
            throw new ArgumentException("Sign a 32-byte hash.", nameof(hash));
        }
        var secp = Context.Value!;
        Span<byte> signature = stackalloc byte[SignatureBytes + 1];
        Span<byte> compact = stackalloc byte[SignatureBytes];
        if (!secp.EcdsaSignRecoverable(signature, hash, _secret)
            || !secp.EcdsaRecoverableSignatureSerializeCompact(compact, out var recoveryId, signature))
        {
            throw new InvalidOperationException("secp256k1 signing failed.");
        }
        return (compact[..32].ToArray(), compact[32..].ToArray(), recoveryId);
    }

    /// <summary>A 65-byte r || s || v signature with v = 27 + recovery id, as ecrecover and OpenZeppelin's ECDSA expect.</summary>
    public byte[] SignHashRsv(ReadOnlySpan<byte> hash)
    {
        var (r, s, recoveryId) = SignHash(hash);
        var rsv = new byte[65];
        r.CopyTo(rsv, 0);
        s.CopyTo(rsv, 32);
        rsv[64] = (byte)(27 + recoveryId);
        return rsv;
    }

    public override string ToString() => $"EthKey({Address})";

    /// <summary>
    /// The checksummed address that signed <paramref name="hash"/> with the 65-byte r || s || v
    /// signature (v = 27 or 28), as ecrecover gives it; null when the signature is malformed or
    /// recovers no key (the contract's ECDSA also refuses a high s, which signatures made here never have).
    /// </summary>
    public static string? Recover(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> rsv)
    {
        if (hash.Length != Keccak.HashBytes || rsv.Length != SignatureBytes + 1 || rsv[64] is not (27 or 28))
        {
            return null;
        }
        var secp = Context.Value!;
        Span<byte> signature = stackalloc byte[SignatureBytes + 1];
        Span<byte> publicKey = stackalloc byte[64];
        if (!secp.EcdsaRecoverableSignatureParseCompact(signature, rsv[..SignatureBytes], rsv[64] - 27)
            || !secp.EcdsaRecover(publicKey, signature, hash))
        {
            return null;
        }
        return AddressOfPublicKey(publicKey);
    }

    private static string AddressOf(byte[] secret)
    {
        Span<byte> publicKey = stackalloc byte[64];
        if (!Context.Value!.EcPubkeyCreate(publicKey, secret))
        {
            throw new InvalidOperationException("secp256k1 public key derivation failed.");
        }
        return AddressOfPublicKey(publicKey);
    }

    private static string AddressOfPublicKey(ReadOnlySpan<byte> publicKey)
    {
        Span<byte> uncompressed = stackalloc byte[65];
        nuint length = 65;
        if (!Context.Value!.EcPubkeySerialize(uncompressed, ref length, publicKey, Secp256k1EcFlags.Uncompressed))
        {
            throw new InvalidOperationException("secp256k1 public key serialisation failed.");
        }
        Span<byte> hash = stackalloc byte[Keccak.HashBytes];
        Keccak.Hash(uncompressed[1..], hash);
        return AddressUtil.Current.ConvertToChecksumAddress(hash[12..].ToArray().ToHex());
    }
}
