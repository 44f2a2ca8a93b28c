using System.Globalization;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroMarket.RunFormat;

/// <summary>
/// The JSON files of a run directory (<see cref="RunSummary"/>, <see cref="RunChain"/>, <see cref="RunTiming"/>)
/// both ways: snake_case names, indented, a record's fields in its order, token amounts in nano-tokens as strings
/// (they outgrow a double), every other token amount (a decimal) with exactly <see cref="RunPrecision.Decimals"/>
/// decimals. Reading requires every field and checks every value.
/// </summary>
public static class RunJson
{
    private static readonly JsonSerializerOptions Writing = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // The files are read as JSON, never embedded in HTML: a scenario's description says "PV + battery", not "PV \u002B battery".
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new BigIntegerAsString(), new MicroTokens() },
    };

    private static readonly JsonSerializerOptions Reading = new(Writing)
    {
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary><paramref name="value"/> as its file holds it, for reading fields by their names there.</summary>
    public static JsonElement ToElement<T>(T value) => JsonSerializer.SerializeToElement(value, Writing);

    /// <summary>A field's name in the files, from its C# property name (<c>SelfSufficiency</c> is <c>self_sufficiency</c>).</summary>
    public static string NameOf(string propertyName) => Writing.PropertyNamingPolicy!.ConvertName(propertyName);

    /// <summary>Writes the file whole or not at all (a temporary file renamed over it): a program ended at once leaves no half of one.</summary>
    public static void Write<T>(string directory, string file, T value)
    {
        var partial = new PartialFile(Path.Combine(directory, file));
        File.WriteAllText(partial.WritingPath, JsonSerializer.Serialize(value, Writing) + "\n");
        partial.Commit();
    }

    /// <exception cref="RunFormatException">The file is missing or malformed; the message names the file, the line and the field.</exception>
    public static T Read<T>(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            throw new RunFormatException($"{file}: missing from the run directory {directory}");
        }
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Reading) ?? throw new RunFormatException($"{file}: the document is null");
        }
        catch (JsonException e)
        {
            // System.Text.Json names the JSON path and the line (zero-based); the user wants the field and the line.
            var line = e.LineNumber is { } n ? $":{n + 1}" : "";
            throw new RunFormatException($"{file}{line}: {e.Path}: {e.Message}");
        }
    }

    private sealed class BigIntegerAsString : JsonConverter<BigInteger>
    {
        public override BigInteger Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && BigInteger.TryParse(reader.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new JsonException("not a whole number in a string");

        public override void Write(Utf8JsonWriter writer, BigInteger value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A decimal keeps the scale its arithmetic gave it, so 0, 0.35118 and 8.763000 would be written three ways:
    /// rounded to the micro-token and given exactly six decimals (adding 0.000000 makes the scale six), every amount reads alike.
    /// </summary>
    private sealed class MicroTokens : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(RunPrecision.Money(value) + 0.000000m);
    }
}
