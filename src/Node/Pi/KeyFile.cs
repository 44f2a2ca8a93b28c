using System.Security.Cryptography;
using System.Text.Json;
using MicroMarket.Agents.Actors;
using MicroMarket.Market.Chain;

namespace MicroMarket.Node.Pi;

/// <summary>
/// A unit's keys on its own node: a JSON file with the trading and the meter key, readable by its
/// owner only (like an SSH key: a file others can read is refused). Keys never appear in a log or
/// an error message; only their addresses do.
/// </summary>
public static class KeyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OthersAny = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static UnitKeys Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new NodeConfigurationException($"{path}: no key file (create one with: micromarket keys new --out {path})");
        }
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & OthersAny) != 0)
        {
            throw new NodeConfigurationException($"{path}: the key file can be read by others (mode {Convert.ToString((int)File.GetUnixFileMode(path), 8)}); run chmod 600 {path}");
        }
        try
        {
            var keys = JsonSerializer.Deserialize<StoredKeys>(File.ReadAllText(path), Json)
                ?? throw new JsonException("empty");
            return new UnitKeys(EthKey.FromHex(keys.TraderKey ?? throw new JsonException("trader_key is missing")),
                EthKey.FromHex(keys.MeterKey ?? throw new JsonException("meter_key is missing")));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            // The message of a parse failure may quote the file: say what is wrong, not what is there.
            throw new NodeConfigurationException($"{path}: not a key file ({{\"trader_key\": \"0x...\", \"meter_key\": \"0x...\"}}): {(ex is JsonException { Message: var m } && m.EndsWith("missing", StringComparison.Ordinal) ? m : ex.GetType().Name)}");
        }
    }

    /// <summary>Writes two fresh random keys, readable by the owner only; refuses to overwrite.</summary>
    public static UnitKeys Create(string path)
    {
        var keys = new UnitKeys(Fresh(), Fresh());
        var json = JsonSerializer.Serialize(new StoredKeys(keys.Trader.ExportPrivateKeyHex(), keys.Meter.ExportPrivateKeyHex()), Json);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(json);
        return keys;
    }

    private static EthKey Fresh() => EthKey.FromHex(Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private sealed record StoredKeys(string? TraderKey, string? MeterKey);
}
