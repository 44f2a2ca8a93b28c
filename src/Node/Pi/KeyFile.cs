using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using MicroMarket.Market.Chain;

namespace MicroMarket.Node.Pi;

/// <summary>
/// Keys on their own node, each in a JSON file readable by its owner only (like an SSH key: a file
/// others can read is refused). A unit's trading key and its meter's key live in separate files,
/// so that the metering side can be given its file alone (docs/cluster.md: the trust model); a file
/// holding both is refused. The market operator's file holds the key that deploys the contracts
/// and, on a chain other than Anvil, pays everyone's gas. Keys never appear in a log or an error
/// message; only their addresses do.
/// </summary>
public static class KeyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OthersAny = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>A unit's trading key: {"trader_key": "0x..."}.</summary>
    public static EthKey LoadTrader(string path) => Key(path, Alone(path, Read(path), "trader_key").TraderKey, "trader_key");

    /// <summary>A unit's meter key: {"meter_key": "0x..."}.</summary>
    public static EthKey LoadMeter(string path) => Key(path, Alone(path, Read(path), "meter_key").MeterKey, "meter_key");

    /// <summary>The market operator's key: {"operator_key": "0x..."}.</summary>
    public static EthKey LoadOperator(string path) => Key(path, Read(path).OperatorKey, "operator_key");

    /// <summary>Writes a fresh trading key, readable by the owner only; refuses to overwrite.</summary>
    public static EthKey CreateTrader(string path)
    {
        var key = Fresh();
        Write(path, new StoredKeys(key.ExportPrivateKeyHex(), null, null));
        return key;
    }

    /// <summary>Writes a fresh meter key, readable by the owner only; refuses to overwrite.</summary>
    public static EthKey CreateMeter(string path)
    {
        var key = Fresh();
        Write(path, new StoredKeys(null, key.ExportPrivateKeyHex(), null));
        return key;
    }

    /// <summary>Writes a fresh operator key, readable by the owner only; refuses to overwrite.</summary>
    public static EthKey CreateOperator(string path)
    {
        var key = Fresh();
        Write(path, new StoredKeys(null, null, key.ExportPrivateKeyHex()));
        return key;
    }

    private static StoredKeys Read(string path)
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
            return JsonSerializer.Deserialize<StoredKeys>(File.ReadAllText(path), Json) ?? throw new JsonException();
        }
        catch (JsonException ex)
        {
            // The message of a parse failure may quote the file: say what is wrong, not what is there.
            throw new NodeConfigurationException($"{path}: not a key file (JSON: {{\"trader_key\": \"0x...\"}}, {{\"meter_key\": \"0x...\"}} or {{\"operator_key\": \"0x...\"}}): {ex.GetType().Name}");
        }
    }

    /// <summary>A key file holds one key: a trading key next to a meter key would give the trader the meter's signature.</summary>
    private static StoredKeys Alone(string path, StoredKeys stored, string field)
    {
        var present = new[] { ("trader_key", stored.TraderKey), ("meter_key", stored.MeterKey), ("operator_key", stored.OperatorKey) }
            .Where(k => k.Item2 is not null).Select(k => k.Item1).ToList();
        var others = present.Where(k => k != field).ToList();
        if (others.Count == 0)
        {
            return stored;
        }
        var what = present.Contains(field) ? $"holds {string.Join(" and ", others)} besides {field}" : $"holds {string.Join(" and ", others)}, not {field}";
        throw new NodeConfigurationException($"{path}: {what}: keep each key in a file of its own (micromarket keys new --out FILE, micromarket keys new --meter --out FILE)");
    }

    private static EthKey Key(string path, string? hex, string field)
    {
        if (hex is null)
        {
            throw new NodeConfigurationException($"{path}: {field} is missing");
        }
        try
        {
            return EthKey.FromHex(hex);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new NodeConfigurationException($"{path}: {field} is not a 32-byte hex private key");
        }
    }

    private static void Write(string path, StoredKeys keys)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(JsonSerializer.Serialize(keys, Json));
    }

    private static EthKey Fresh() => EthKey.FromHex(Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    private sealed record StoredKeys(string? TraderKey, string? MeterKey, string? OperatorKey);
}
