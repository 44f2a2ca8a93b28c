using System.Reflection;
using Nethereum.ABI;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.AttributeEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.ABI.Model;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;

namespace MicroMarket.Market.Chain;

/// <summary>
/// A view's output and a contract's events decoded as Nethereum decodes them
/// (<see cref="FunctionCallDecoder.DecodeFunctionOutput{TOutput}(string)"/>, <see cref="EventExtensions.DecodeAllEvents{TEventDTO}(FilterLog[])"/>),
/// without its cost: Nethereum reads every property's parameter attribute by reflection on every
/// call and every log, about two seconds of CPU on the IEEE day (every unit's account each slot,
/// every traded step's fills each gate, every unit's Settled event each slot). Here the attributes
/// are read once per type, by Nethereum's own <see cref="ParameterDecoder.GetParameterOutputsFromAttributes(PropertyInfo[])"/>,
/// and the words go through Nethereum's own decoder, so the values are the same (tested).
/// </summary>
public static class Decoded
{
    /// <summary>A view's return data (hex) as its output DTO; null for no data at all (no contract there), as Nethereum gives.</summary>
    public static TOutput Output<TOutput>(string hex) where TOutput : IFunctionOutputDTO, new() =>
        hex == "0x" ? default! : Properties<TOutput>.Decode(hex, new TOutput(), Properties<TOutput>.All);

    /// <summary>The logs that are <typeparamref name="TEvent"/>s, decoded, in log order.</summary>
    public static IEnumerable<TEvent> Events<TEvent>(IEnumerable<FilterLog> logs) where TEvent : IEventDTO, new()
    {
        var abi = ABITypedRegistry.GetEvent<TEvent>();
        return logs.Where(abi.IsLogForEvent).Select(log => Event<TEvent>(log.Topics, log.Data));
    }

    /// <summary>
    /// As <see cref="EventTopicDecoder.DecodeTopics{T}(object[], string)"/>: the k-th topic after the
    /// signature is the parameter of order k, the data holds those of an order from the topics' count on.
    /// </summary>
    private static TEvent Event<TEvent>(object[] topics, string data) where TEvent : new()
    {
        var result = new TEvent();
        for (var k = 1; k < topics.Length; k++)
        {
            var property = Array.Find(Properties<TEvent>.All, p => p.Parameter.Order == k);
            if (property is not null)
            {
                result = Properties<TEvent>.Decode(topics[k].ToString()!, result, [property]);
            }
        }
        return Properties<TEvent>.Decode(data, result, Array.FindAll(Properties<TEvent>.All, p => p.Parameter.Order >= topics.Length));
    }

    /// <summary>One decoded property: its parameter (as Nethereum set it up) and, for a tuple, its components'.</summary>
    private sealed record Property(Parameter Parameter, PropertyInfo Info, IReadOnlyList<Property> Children)
    {
        public static Property From(ParameterOutputProperty p) =>
            new(p.Parameter, p.PropertyInfo, p.ChildrenProperties?.Select(From).ToList() ?? []);

        /// <summary>A fresh output slot: the decoder writes each call's results into it.</summary>
        public ParameterOutputProperty Slot() => new()
        {
            Parameter = Parameter,
            PropertyInfo = Info,
            ChildrenProperties = Parameter.ABIType is TupleType ? Children.Select(c => c.Slot()).ToList() : null!,
        };
    }

    private static class Properties<T>
    {
        /// <summary>The type's parameters, read once; their <see cref="Parameter"/>s are only read from then on.</summary>
        public static readonly Property[] All = new ParameterDecoder().GetParameterOutputsFromAttributes(typeof(T).GetProperties())
            .Select(Property.From).ToArray();

        /// <summary>As <see cref="ParameterDecoder.DecodeAttributes{T}(string, T, PropertyInfo[])"/> for these properties.</summary>
        public static T Decode(string hex, T result, IEnumerable<Property> properties)
        {
            if (hex == "0x")
            {
                return result;
            }
            var decoder = new ParameterDecoder();
            foreach (ParameterOutputProperty output in decoder.DecodeOutput(hex, properties.OrderBy(p => p.Parameter.Order).Select(p => p.Slot()).ToArray()))
            {
                var value = output.Result;
                if (output.Parameter.ABIType is TupleType)
                {
                    value = Activator.CreateInstance(output.PropertyInfo.PropertyType);
                    decoder.AssingValuesFromPropertyList(value, output);
                }
                output.PropertyInfo.SetValue(result, value);
            }
            return result;
        }
    }
}
