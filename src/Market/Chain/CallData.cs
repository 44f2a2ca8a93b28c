using System.Collections;
using System.Numerics;
using System.Reflection;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.ABI.Model;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;

namespace MicroMarket.Market.Chain;

/// <summary>
/// A function message's call data, as <see cref="FunctionMessageExtensions.GetCallData{TFunctionMessage}"/>
/// encodes it, without its cost: Nethereum reads the message's parameters from their attributes by
/// reflection on every call, and those of every struct in it (every reading of a slot's report),
/// which made encoding the run's calls (every unit's account each slot, every traded step's fills
/// each gate: some ten thousand views on the IEEE day, and a hundred readings a slot) seconds of CPU.
/// Here the parameters are read once per message type (a struct's once per struct type, as the
/// component values Nethereum's tuple encoder takes); the values go through Nethereum's own encoder
/// with the function's own ABI parameters, so the bytes are the same.
/// </summary>
public static class CallData
{
    public static byte[] Of<TFunction>(TFunction function) where TFunction : FunctionMessage, new() =>
        Encoding<TFunction>.Encode(function);

    private static class Encoding<TFunction> where TFunction : FunctionMessage, new()
    {
        private static readonly FunctionABI Abi = ABITypedRegistry.GetFunctionABI<TFunction>();

        private static readonly byte[] Selector = Abi.Sha3Signature.HexToByteArray();

        /// <summary>The function's ABI parameters in order (tuples with their components) and how to read each one's value from the message.</summary>
        private static readonly (Parameter[] Parameters, Func<object, object?>[] Values) Inputs = ReadInputs();

        public static byte[] Encode(TFunction function) =>
            [.. Selector, .. new ParametersEncoder().EncodeParameters(Inputs.Parameters, Inputs.Values.Select(value => value(function)).ToArray())];

        private static (Parameter[], Func<object, object?>[]) ReadInputs()
        {
            var parameters = Abi.InputParameters.OrderBy(p => p.Order).ToArray();
            var properties = Ordered(typeof(TFunction));
            return (parameters, parameters.Select(p => properties.Single(q => q.Order == p.Order).Value).ToArray());
        }
    }

    /// <summary>A type's ABI parameters in order: their order and how to read each one's value as the encoder takes it.</summary>
    private static List<(int Order, Func<object, object?> Value)> Ordered(Type type) => type.GetProperties()
        .Select(p => (Attribute: p.GetCustomAttribute<ParameterAttribute>(true), Property: p))
        .Where(p => p.Attribute is not null)
        .OrderBy(p => p.Attribute!.Order)
        .Select(p => (p.Attribute!.Order, Reader(p.Property)))
        .ToList();

    /// <summary>A scalar or a list of scalars as it is; a struct as its component values; a list of structs as a list of those.</summary>
    private static Func<object, object?> Reader(PropertyInfo property)
    {
        var type = property.PropertyType;
        if (IsScalar(type) || IsList(type, out var element) && IsScalar(element))
        {
            return property.GetValue;
        }
        if (IsList(type, out var item))
        {
            var components = Components(item);
            return owner => property.GetValue(owner) is IEnumerable list ? list.Cast<object>().Select(components).ToList() : null;
        }
        var values = Components(type);
        return owner => property.GetValue(owner) is { } value ? values(value) : null;
    }

    private static Func<object, object?[]> Components(Type structType)
    {
        var components = Ordered(structType);
        if (components.Count == 0)
        {
            throw new NotSupportedException($"{structType.Name} is neither a scalar, a list nor a struct with ABI parameters: no call data for it.");
        }
        return value => components.Select(c => c.Value(value)).ToArray();
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type == typeof(BigInteger) || type == typeof(string) || type == typeof(byte[]);

    private static bool IsList(Type type, out Type element)
    {
        var list = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>);
        element = list ? type.GetGenericArguments()[0] : typeof(void);
        return list;
    }
}
