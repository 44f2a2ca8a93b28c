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
/// reflection on every call, which made encoding the run's views (every unit's account each slot,
/// every traded step's fills each gate: some ten thousand calls on the IEEE day) a second of CPU.
/// Here the parameters are read once per message type; the values go through Nethereum's own
/// encoder, so the bytes are the same. A message with a struct (tuple) parameter is left to Nethereum.
/// </summary>
public static class CallData
{
    public static byte[] Of<TFunction>(TFunction function) where TFunction : FunctionMessage, new() =>
        Encoding<TFunction>.Encode(function);

    private static class Encoding<TFunction> where TFunction : FunctionMessage, new()
    {
        private static readonly byte[] Selector = ABITypedRegistry.GetFunctionABI<TFunction>().Sha3Signature.HexToByteArray();

        /// <summary>The parameters in ABI order with their properties; null when one is a struct or a list of structs.</summary>
        private static readonly (Parameter Parameter, PropertyInfo Property)[]? Simple = SimpleParameters();

        public static byte[] Encode(TFunction function)
        {
            if (Simple is not { } simple)
            {
                return function.GetCallData();
            }
            var encoded = new ParametersEncoder().EncodeParameters(
                simple.Select(p => p.Parameter).ToArray(), simple.Select(p => p.Property.GetValue(function)).ToArray());
            return [.. Selector, .. encoded];
        }

        private static (Parameter, PropertyInfo)[]? SimpleParameters()
        {
            var parameters = typeof(TFunction).GetProperties()
                .Select(p => (Attribute: p.GetCustomAttribute<ParameterAttribute>(true), Property: p))
                .Where(p => p.Attribute is not null)
                .OrderBy(p => p.Attribute!.Order)
                .Select(p => (new Parameter(p.Attribute!.Type, p.Attribute.Name, p.Attribute.Order), p.Property))
                .ToArray();
            return parameters.All(p => IsScalar(p.Property.PropertyType) || IsScalarList(p.Property.PropertyType)) ? parameters : null;
        }

        private static bool IsScalar(Type type) =>
            type.IsPrimitive || type == typeof(BigInteger) || type == typeof(string) || type == typeof(byte[]);

        private static bool IsScalarList(Type type) =>
            type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) && IsScalar(type.GetGenericArguments()[0]);
    }
}
