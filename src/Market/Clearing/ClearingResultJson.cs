using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MicroMarket.Market.Clearing;

/// <summary>
/// Writes a clearing result as compact JSON, the output of <c>micromarket clear</c> (docs/clear.md):
/// <c>{"price_micro_tokens_per_kwh":P,"volume_wh":V,"fills_wh":{"&lt;id&gt;":quantity,...}}</c>, each name
/// carrying its unit, the book's own. The price is <c>null</c> when nothing trades, only non-zero fills
/// appear, and ids ascend numerically (so "2" precedes "10").
/// </summary>
public static class ClearingResultJson
{
    private const string PriceName = "price_micro_tokens_per_kwh";

    public static void Write(ClearingResult result, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(stream);

        using var json = new Utf8JsonWriter(stream);
        Write(result, json);
    }

    public static void Write(ClearingResult result, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(writer);

        var utf8 = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(utf8))
        {
            Write(result, json);
        }
        writer.Write(Encoding.UTF8.GetString(utf8.WrittenSpan));
    }

    private static void Write(ClearingResult result, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        if (result.PriceMicroPerKwh is { } price)
        {
            json.WriteNumber(PriceName, price);
        }
        else
        {
            json.WriteNull(PriceName);
        }
        json.WriteNumber("volume_wh", result.VolumeWh);
        json.WriteStartObject("fills_wh");
        // ClearingResult keeps its fills sorted by numeric id and without zeros.
        foreach (var fill in result.Fills)
        {
            json.WriteNumber(fill.OrderId.ToString(CultureInfo.InvariantCulture), fill.QuantityWh);
        }
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
    }
}
