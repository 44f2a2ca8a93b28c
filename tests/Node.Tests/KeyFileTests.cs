using System.Runtime.Versioning;
using MicroMarket.Market.Chain;
using MicroMarket.Node.Pi;

namespace MicroMarket.Node.Tests;

/// <summary>
/// A Pi unit's key file: the trading and the meter key, written readable by the owner only, refused
/// (like an SSH key) when others can read it, and never quoted in an error message.
/// File modes are Unix's: the nodes run on Linux (Raspberry Pi OS and the operator's machine).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class KeyFileTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _folder = Directory.CreateTempSubdirectory("micromarket-keys-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string KeysPath => Path.Combine(_folder, "house-1.keys.json");

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
    public void Create_writes_two_distinct_keys_readable_by_the_owner_only()
    {
        var keys = KeyFile.Create(KeysPath);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(KeysPath));
        Assert.NotEqual(keys.Trader.Address, keys.Meter.Address);
        var text = File.ReadAllText(KeysPath);
        Assert.Contains("\"trader_key\"", text, StringComparison.Ordinal);
        Assert.Contains("\"meter_key\"", text, StringComparison.Ordinal);
        Assert.Contains(keys.Trader.ExportPrivateKeyHex(), text, StringComparison.Ordinal);
        Assert.Contains(keys.Meter.ExportPrivateKeyHex(), text, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_key_files_hold_different_keys()
    {
        var first = KeyFile.Create(KeysPath);
        var second = KeyFile.Create(Path.Combine(_folder, "house-2.keys.json"));

        Assert.Equal(4, new[] { first.Trader.Address, first.Meter.Address, second.Trader.Address, second.Meter.Address }.Distinct().Count());
    }

    [Fact]
    public void Load_reads_back_the_keys_Create_wrote()
    {
        var created = KeyFile.Create(KeysPath);

        var loaded = KeyFile.Load(KeysPath);

        Assert.Equal(created.Trader.Address, loaded.Trader.Address);
        Assert.Equal(created.Meter.Address, loaded.Meter.Address);
        Assert.Equal(created.Trader.ExportPrivateKeyHex(), loaded.Trader.ExportPrivateKeyHex());
        Assert.Equal(created.Meter.ExportPrivateKeyHex(), loaded.Meter.ExportPrivateKeyHex());
    }

    [Fact]
    public void Load_reads_a_file_written_by_hand()
    {
        var loaded = KeyFile.Load(Write($$"""{ "meter_key": "{{MeterHex}}", "trader_key": "{{TraderHex[2..].ToUpperInvariant()}}" }"""));

        Assert.Equal(EthKey.FromHex(TraderHex).Address, loaded.Trader.Address);
        Assert.Equal(EthKey.FromHex(MeterHex).Address, loaded.Meter.Address);
    }

    [Fact]
    public void Create_refuses_to_overwrite_a_key_file_and_leaves_it_as_it_was()
    {
        var first = KeyFile.Create(KeysPath);
        var before = File.ReadAllBytes(KeysPath);

        Assert.Throws<IOException>(() => KeyFile.Create(KeysPath));

        Assert.Equal(before, File.ReadAllBytes(KeysPath));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(KeysPath));
        Assert.Equal(first.Trader.Address, KeyFile.Load(KeysPath).Trader.Address);
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead, "640")]
    [InlineData(UnixFileMode.OtherRead, "604")]
    [InlineData(UnixFileMode.GroupRead | UnixFileMode.OtherRead, "644")]
    [InlineData(UnixFileMode.GroupWrite, "620")]
    [InlineData(UnixFileMode.OtherExecute, "601")]
    public void Load_refuses_a_key_file_others_can_get_at(UnixFileMode extra, string octal)
    {
        KeyFile.Create(KeysPath);
        File.SetUnixFileMode(KeysPath, OwnerOnly | extra);

        var e = Assert.Throws<NodeConfigurationException>(() => KeyFile.Load(KeysPath));

        Assert.Equal($"{KeysPath}: the key file can be read by others (mode {octal}); run chmod 600 {KeysPath}", e.Message);
        AssertNoKeyIn(e.ToString(), KeyFileText());
    }

    [Fact]
    public void Load_accepts_a_key_file_only_its_owner_can_read()
    {
        KeyFile.Create(KeysPath);
        File.SetUnixFileMode(KeysPath, UnixFileMode.UserRead);

        Assert.NotNull(KeyFile.Load(KeysPath).Trader.Address);
    }

    [Fact]
    public void A_missing_key_file_says_how_to_make_one()
    {
        var e = Assert.Throws<NodeConfigurationException>(() => KeyFile.Load(KeysPath));

        Assert.Equal($"{KeysPath}: no key file (create one with: micromarket keys new --out {KeysPath})", e.Message);
    }

    private const string NotJson = """not a key file (JSON: {"trader_key": "0x...", "meter_key": "0x..."} or {"operator_key": "0x..."}): JsonException""";

    public static TheoryData<string, string> Malformed => new()
    {
        { "", NotJson },
        { "null", NotJson },
        { "[]", NotJson },
        { "trader_key = " + TraderHex, NotJson },
        { $$"""{ "trader_key": "{{TraderHex}}", "meter_key": "{{MeterHex}}" """, NotJson },
        { $$"""{ "trader_key": {{TraderHex}}, "meter_key": "{{MeterHex}}" }""", NotJson },
        { $$"""{ "meter_key": "{{MeterHex}}" }""", "trader_key is missing" },
        { $$"""{ "trader_key": "{{TraderHex}}" }""", "meter_key is missing" },
        { $$"""{ "TraderKey": "{{TraderHex}}", "MeterKey": "{{MeterHex}}" }""", "trader_key is missing" },
        { $$"""{ "trader_key": "{{TraderHex}}", "meter_key": "{{MeterHex[..^2]}}" }""", "meter_key is not a 32-byte hex private key" },
        { $$"""{ "trader_key": "{{TraderHex[..^1]}}zz", "meter_key": "{{MeterHex}}" }""", "trader_key is not a 32-byte hex private key" },
        { $$"""{ "trader_key": "0x{{new string('0', 64)}}", "meter_key": "{{MeterHex}}" }""", "trader_key is not a 32-byte hex private key" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_key_file_is_named_and_said_what_is_wrong_without_quoting_it(string json, string what)
    {
        Write(json);

        var e = Assert.Throws<NodeConfigurationException>(() => KeyFile.Load(KeysPath));

        Assert.Equal($"{KeysPath}: {what}", e.Message);
        AssertNoKeyIn(e.ToString(), TraderHex, MeterHex);
    }

    [Fact]
    public void A_truncated_key_file_does_not_quote_the_keys_it_holds()
    {
        var keys = KeyFile.Create(KeysPath);
        var text = File.ReadAllText(KeysPath);
        Write(text[..(text.LastIndexOf('"') - 3)]);

        var e = Assert.Throws<NodeConfigurationException>(() => KeyFile.Load(KeysPath));

        Assert.StartsWith($"{KeysPath}: not a key file", e.Message, StringComparison.Ordinal);
        AssertNoKeyIn(e.ToString(), keys.Trader.ExportPrivateKeyHex(), keys.Meter.ExportPrivateKeyHex());
    }

    [Fact]
    public void An_operator_key_file_round_trips_and_is_not_a_unit_s_key_file()
    {
        var key = KeyFile.CreateOperator(KeysPath);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(KeysPath));
        Assert.Equal(key.Address, KeyFile.LoadOperator(KeysPath).Address);
        var e = Assert.Throws<NodeConfigurationException>(() => KeyFile.Load(KeysPath));
        Assert.Equal($"{KeysPath}: trader_key is missing", e.Message);
        AssertNoKeyIn(e.ToString(), key.ExportPrivateKeyHex());
    }

    [Fact]
    public void A_unit_s_key_file_is_not_an_operator_key_file()
    {
        KeyFile.Create(KeysPath);

        var e = Assert.Throws<NodeConfigurationException>(() => KeyFile.LoadOperator(KeysPath));

        Assert.Equal($"{KeysPath}: operator_key is missing", e.Message);
    }

    /// <summary>The keys in the key file at <see cref="KeysPath"/>, read with the owner's rights.</summary>
    private string[] KeyFileText()
    {
        var mode = File.GetUnixFileMode(KeysPath);
        File.SetUnixFileMode(KeysPath, OwnerOnly);
        var keys = KeyFile.Load(KeysPath);
        File.SetUnixFileMode(KeysPath, mode);
        return [keys.Trader.ExportPrivateKeyHex(), keys.Meter.ExportPrivateKeyHex()];
    }
}
