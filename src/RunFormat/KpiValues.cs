using System.Reflection;
using System.Text.Json;

namespace MicroMarket.RunFormat;

/// <summary>
/// The numeric KPIs of summary.json's <c>kpis</c> as flat columns, keyed as the file spells them with nested fields
/// dotted (<c>self_sufficiency</c>, <c>day_ahead_price.mean</c>, <c>genset.fuel_cost</c>): what an experiment's
/// result table has a column for and its <c>kpis:</c> may name. Lists (the bills) and texts are not KPIs here.
/// Both the keys and the values come from <see cref="RunJson"/>'s naming, so they cannot drift from the file.
/// </summary>
public static class KpiValues
{
    /// <summary>Every key, in the record's order; a nested record's fields (genset economics) even when a run has none.</summary>
    public static IReadOnlyList<string> Keys { get; } = [.. KeysOf(typeof(RunKpis), "")];

    /// <summary>The run's value of every key; null where the run has none (no day-ahead price, no genset).</summary>
    public static IReadOnlyDictionary<string, double?> Of(RunKpis kpis)
    {
        var values = Keys.ToDictionary(k => k, _ => (double?)null, StringComparer.Ordinal);
        Flatten(RunJson.ToElement(kpis), "", values);
        return values;
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, double?> values)
    {
        foreach (var field in element.EnumerateObject())
        {
            var key = prefix + field.Name;
            switch (field.Value.ValueKind)
            {
                case JsonValueKind.Number when values.ContainsKey(key):
                    values[key] = field.Value.GetDouble();
                    break;
                case JsonValueKind.Object:
                    Flatten(field.Value, key + ".", values);
                    break;
            }
        }
    }

    private static IEnumerable<string> KeysOf(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetMethod?.IsStatic == false && p.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is not { Condition: System.Text.Json.Serialization.JsonIgnoreCondition.Always }))
        {
            var key = prefix + RunJson.NameOf(property.Name);
            var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsNumber(valueType))
            {
                yield return key;
            }
            else if (valueType.IsClass && valueType != typeof(string) && !valueType.IsAssignableTo(typeof(System.Collections.IEnumerable)))
            {
                foreach (var nested in KeysOf(valueType, key + "."))
                {
                    yield return nested;
                }
            }
        }
    }

    private static bool IsNumber(Type type) =>
        type == typeof(double) || type == typeof(decimal) || type == typeof(int) || type == typeof(long);
}
