using System.Collections.Concurrent;
using System.Reflection;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;

namespace MicroMarket.Market.Chain;

/// <summary>
/// A contract call or transaction reverted. When the revert data is one of our custom errors
/// (any generated <c>[Error]</c> DTO in a MicroMarket assembly), <see cref="ErrorName"/> and
/// <see cref="Error"/> hold it decoded; <see cref="Is{TError}"/> tests for a specific one.
/// </summary>
public sealed class ContractRevertException : Exception
{
    public ContractRevertException(string context, string? revertData)
        : base(Describe(context, revertData, out var name, out var decoded))
    {
        RevertData = revertData;
        ErrorName = name;
        Error = decoded;
    }

    /// <summary>The raw revert data (selector + ABI-encoded arguments), if the node returned it.</summary>
    public string? RevertData { get; }

    /// <summary>The custom error's name, e.g. <c>Auction__GateClosed</c>, or null if unknown.</summary>
    public string? ErrorName { get; }

    /// <summary>The decoded error DTO, or null if the selector is not one of ours.</summary>
    public object? Error { get; }

    public bool Is<TError>() => Error is TError;

    public TError As<TError>() => Error is TError e
        ? e
        : throw new InvalidOperationException($"The revert is {ErrorName ?? "unknown"}, not {typeof(TError).Name}.");

    private static string Describe(string context, string? data, out string? name, out object? decoded)
    {
        (name, decoded) = RevertDecoder.Decode(data);
        return name is null
            ? $"{context} reverted{(string.IsNullOrEmpty(data) || data == "0x" ? " without data" : $" with {data}")}"
            : $"{context} reverted with {name}{RevertDecoder.FormatArguments(decoded)}";
    }
}

/// <summary>Maps 4-byte revert selectors to the generated custom-error DTOs.</summary>
internal static class RevertDecoder
{
    private static readonly Lazy<IReadOnlyDictionary<string, Type>> Errors = new(Scan);
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    public static (string? Name, object? Decoded) Decode(string? data)
    {
        if (string.IsNullOrEmpty(data) || data.Length < 10)
        {
            return (null, null);
        }
        var selector = data[..10].ToLowerInvariant();
        if (selector == "0x08c379a0")
        {
            return ("Error", new FunctionCallDecoder().DecodeFunctionErrorMessage(data));
        }
        if (!Errors.Value.TryGetValue(selector, out var errorType))
        {
            return (null, null);
        }
        var decoded = new SmartContractCustomErrorRevertException(data).DecodeError(errorType);
        return (ErrorAttribute.GetAttribute(errorType).Name, decoded);
    }

    public static string FormatArguments(object? decoded)
    {
        if (decoded is null or string)
        {
            return decoded is string s ? $"(\"{s}\")" : "";
        }
        var properties = Properties.GetOrAdd(decoded.GetType(), t => t.GetProperties());
        return "(" + string.Join(", ", properties.Select(p => $"{p.Name}: {Format(p.GetValue(decoded))}")) + ")";
    }

    private static string Format(object? value) => value switch
    {
        byte[] bytes => bytes.ToHex(prefix: true),
        null => "null",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static Dictionary<string, Type> Scan()
    {
        var map = new Dictionary<string, Type>();
        var assemblies = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && a.GetName().Name?.StartsWith("MicroMarket", StringComparison.Ordinal) == true);
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()).Where(ErrorAttribute.IsErrorType))
        {
            var abi = ABITypedRegistry.GetError(type);
            // The same error declared by several contracts decodes identically; keep the first.
            map.TryAdd("0x" + abi.Sha3Signature.ToLowerInvariant(), type);
        }
        return map;
    }
}
