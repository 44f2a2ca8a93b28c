using System.Runtime.Versioning;
using MicroMarket.Market.Chain;
using MicroMarket.Node.Pi;

namespace MicroMarket.Node.Tests;

/// <summary>
/// A Pi unit's key files: the trading key and, apart from it, the meter key, each written readable
/// by the owner only, refused (like an SSH key) when others can read it, and never quoted in an error message.
/// File modes are Unix's: the nodes run on Linux (Raspberry Pi OS and the operator's machine).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class KeyFileTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _folder = Directory.CreateTempSubdirectory("micromarket-keys-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string KeysPath => Path.Combine(_folder, "house-1.keys.json");

    private string MeterPath => Path.Combine(_folder, "house-1.meter.json");

    /// <summary>Writes <paramref name="json"/> as a key file with owner-only access, as an operator who ran chmod 600 would have it.</summary>
    private string Write(string json)
    {
        File.WriteAllText(KeysPath, json);
        File.SetUnixFileMode(KeysPath, OwnerOnly);
        return KeysPath;
    }

    private static readonly string TraderHex = EthKey.Derive("key-file-tests/trader", 0).ExportPrivateKeyHex();
    private static readonly string MeterHex = EthKey.Derive("key-file-tests/meter", 0).ExportPrivateKeyHex();

    /// <summary>Neither key, with or without its 0x, in any case, appears in <paramref name="text"/>.</summary>
    private static void AssertNoKeyIn(string text, params string[] keys)
    {
        foreach (var key in keys)
        {
            Assert.DoesNotContain(key[2..], text, StringComparison.OrdinalIgnoreCase);
            // Not even a recognisable stretch of it.
            Assert.DoesNotContain(key[2..18], text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Create_writes_one_key_per_file_readable_by_the_owner_only()
    {
        var trader = KeyFile.CreateTrader(KeysPath);
        var meter = KeyFile.CreateMeter(MeterPath);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(KeysPath));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(MeterPath));
        Assert.NotEqual(trader.Address, meter.Address);
        var text = File.ReadAllText(KeysPath);
        Assert.Contains("\"trader_key\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("meter_key", text, StringComparison.Ordinal);
        Assert.Contains(trader.ExportPrivateKeyHex(), text, StringComparison.Ordinal);
        Assert.Contains(meter.ExportPrivateKeyHex(), File.ReadAllText(MeterPath), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_key_files_hold_different_keys()
    {
        var first = KeyFile.CreateTrader(KeysPath);
        var second = KeyFile.CreateTrader(Path.Combine(_folder, "house-2.keys.json"));

        Assert.NotEqual(first.Address, second.Address);
    }

    [Fact]
    public void Load_reads_back_the_keys_Create_wrote()
    {
        var trader = KeyFile.CreateTrader(KeysPath);
        var meter = KeyFile.CreateMeter(MeterPath);

        Assert.Equal(trader.ExportPrivateKeyHex(), KeyFile.LoadTrader(KeysPath).ExportPrivateKeyHex());
        Assert.Equal(meter.ExportPrivateKeyHex(), KeyFile.LoadMeter(MeterPath).ExportPrivateKeyHex());
    }

    [Fact]
    public void Load_reads_a_file_written_by_hand()
    {
        var loaded = KeyFile.LoadTrader(Write($$"""{ "trader_key": "{{TraderHex[2..].ToUpperInvariant()}}" }"""));

        Assert.Equal(EthKey.FromHex(TraderHex).Address, loaded.Address);
    }

    [Fact]
    public void A_file_holding_the_trading_and_the_meter_key_is_refused_for_either()
    {
        // Metering is not the trader's to attest: the meter key never sits beside the trading key.
        Write($$"""{ "meter_key": "{{MeterHex}}", "trader_key": "{{TraderHex}}" }""");

        var asTrader = Assert.Throws<NodeConfigurationException>(() => KeyFile.LoadTrader(KeysPath));
        var asMeter = Assert.Throws<NodeConfigurationException>(() => KeyFile.LoadMeter(KeysPath));

        Assert.StartsWith($"{KeysPath}: holds meter_key besides trader_key: keep each key in a file of its own", asTrader.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{KeysPath}: holds trader_key besides meter_key", asMeter.Message, StringComparison.Ordinal);
        AssertNoKeyIn(asTrader.ToString() + asMeter, TraderHex, MeterHex);
    }

    [Fact]
    public void Create_refuses_to_overwrite_a_key_file_and_leaves_it_as_it_was()
    {
        var first = KeyFile.CreateTrader(KeysPath);
        var before = File.ReadAllBytes(KeysPath);

        Assert.Throws<IOException>(() => KeyFile.CreateMeter(KeysPath));

        Assert.Equal(before, File.ReadAllBytes(KeysPath));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(KeysPath));
        Assert.Equal(first.Address, KeyFile.LoadTrader(KeysPath).Address);
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead, "640")]
    [InlineData(UnixFileMode.OtherRead, "604")]
    [InlineData(UnixFileMode.GroupRead | UnixFileMode.OtherRead, "644")]
    [InlineData(UnixFileMode.GroupWrite, "620")]
    [InlineData(UnixFileMode.OtherExecute, "601")]
    public void Load_refuses_a_key_file_others_can_get_at(UnixFileMode extra, string octal)
    {
        KeyFile.CreateTrader(KeysPath);
        File.SetUnixFileMode(KeysPath, OwnerOnly | extra);

        var e = Assert.Throws<NodeConfigurationException>(() => KeyFile.LoadTrader(KeysPath));

        Assert.Equal($"{KeysPath}: the key file can be read by others (mode {octal}); run chmod 600 {KeysPath}", e.Message);
        AssertNoKeyIn(e.ToString(), KeyFileText());
    }

    [Fact]
    public void Load_accepts_a_key_file_only_its_owner_can_read()
    {
        KeyFile.CreateMeter(KeysPath);
        File.SetUnixFileMode(KeysPath, UnixFileMode.UserRead);

        Assert.NotNull(KeyFile.LoadMeter(KeysPath).Address);
    }

    [Fact]
    public void A_missing_key_file_says_how_to_make_one()
    {
        var e = Assert.Throws<NodeConfigurationException>(() => KeyFile.LoadTrader(KeysPath));

        Assert.Equal($"{KeysPath}: no key file (create one with: micromarket keys new --out {KeysPath})", e.Message);
    }

    private const string NotJson = """not a key file (JSON: {"trader_key": "0x..."}, {"meter_key": "0x..."} or {"operator_key": "0x..."}): JsonException""";

    public static TheoryData<string, string> Malformed => new()
    {
        { "", NotJson },
        { "null", NotJson },
        { "[]", NotJson },
        { "trader_key = " + TraderHex, NotJson },
        { $$"""{ "trader_key": "{{TraderHex}}" """, NotJson },
        { $$"""{ "trader_key": {{TraderHex}} }""", NotJson },
        { $$"""{ "meter_key": "{{MeterHex}}" }""", "holds meter_key, not trader_key: keep each key in a file of its own (micromarket keys new --out FILE, micromarket keys new --meter --out FILE)" },
        { $$"""{ }""", "trader_key is missing" },
        { $$"""{ "TraderKey": "{{TraderHex}}" }""", "trader_key is missing" },
        { $$"""{ "trader_key": "{{TraderHex[..^2]}}" }""", "trader_key is not a 32-byte hex private key" },
        { $$"""{ "trader_key": "{{TraderHex[..^1]}}zz" }""", "trader_key is not a 32-byte hex private key" },
        { $$"""{ "trader_key": "0x{{new string('0', 64)}}" }""", "trader_key is not a 32-byte hex private key" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_key_file_is_named_and_said_what_is_wrong_without_quoting_it(string json, string what)
    {
        Write(json);

        var e = Assert.Throws<NodeConfigurationException>(() => KeyFile.LoadTrader(KeysPath));

        Assert.Equal($"{KeysPath}: {what}", e.Message);
        AssertNoKeyIn(e.ToString(), TraderHex, MeterHex);
    }

    [Fact]
    public void A_truncated_key_file_does_not_quote_the_keys_it_holds()
    {
        var key = KeyFile.CreateTrader(KeysPath);
        var text = File.ReadAllText(KeysPath);
        Write(text[..(text.LastIndexOf('"') - 3)]);

        var e = Assert.Throws<NodeConfigurationException>(() => KeyFile.LoadTrader(KeysPath));

        Assert.StartsWith($"{KeysPath}: not a key file", e.Message, StringComparison.Ordinal);
        AssertNoKeyIn(e.ToString(), key.ExportPrivateKeyHex());
    }

    [Fact]
    public void An_operator_key_file_round_trips_and_is_not_a_unit_s_key_file()
    {
        var key = KeyFile.CreateOperator(KeysPath);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(KeysPath));
        Assert.Equal(key.Address, KeyFile.LoadOperator(KeysPath).Address);
        var e = Assert.Throws<NodeConfigurationException>(() => KeyFile.LoadTrader(KeysPath));
        Assert.StartsWith($"{KeysPath}: holds operator_key, not trader_key", e.Message, StringComparison.Ordinal);
        AssertNoKeyIn(e.ToString(), key.ExportPrivateKeyHex());
    }

    [Fact]
    public void A_unit_s_key_file_is_not_an_operator_key_file()
    {
        KeyFile.CreateTrader(KeysPath);

        var e = Assert.Throws<NodeConfigurationException>(() => KeyFile.LoadOperator(KeysPath));

        Assert.Equal($"{KeysPath}: operator_key is missing", e.Message);
    }

    /// <summary>The key in the key file at <see cref="KeysPath"/>, read with the owner's rights.</summary>
    private string KeyFileText()
    {
        var mode = File.GetUnixFileMode(KeysPath);
        File.SetUnixFileMode(KeysPath, OwnerOnly);
        var key = KeyFile.LoadTrader(KeysPath);
        File.SetUnixFileMode(KeysPath, mode);
        return key.ExportPrivateKeyHex();
    }
}
