using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace MicroMarket.Market.Contracts;

/// <summary>A compiled contract as the build wrote it: ABI and creation bytecode.</summary>
public sealed record ContractArtifact(string Name, string Compiler, string AbiJson, string Bytecode, string DeployedBytecode);

/// <summary>
/// The contract artifacts that contracts/build.mjs produced from the Solidity sources with the
/// pinned solc, embedded into the assembly by contracts/Contracts.targets. Test assemblies embed
/// the test contracts the same way; lookups search every loaded MicroMarket assembly.
/// </summary>
public static class ContractArtifacts
{
    private const string ResourcePrefix = "MicroMarket.Contracts.";
    private static readonly ConcurrentDictionary<string, ContractArtifact> Cache = new();

    public static ContractArtifact Get(string contractName) => Cache.GetOrAdd(contractName, Load);

    private static ContractArtifact Load(string contractName)
    {
        var resource = ResourcePrefix + contractName + ".json";
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.IsDynamic || assembly.GetName().Name?.StartsWith("MicroMarket", StringComparison.Ordinal) != true)
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(resource);
            if (stream is null)
            {
                continue;
            }
            using var json = JsonDocument.Parse(stream);
            var root = json.RootElement;
            return new ContractArtifact(
                contractName,
                root.GetProperty("compiler").GetString()!,
                root.GetProperty("abi").GetRawText(),
                root.GetProperty("bytecode").GetString()!,
                root.GetProperty("deployedBytecode").GetString()!);
        }
        throw new InvalidOperationException(
            $"No compiled artifact for contract '{contractName}' is embedded; the contracts build (contracts/build.mjs) did not produce it.");
    }
}
