using System.Text;
using MicroMarket.Market.Clearing;
using Xunit;
using static MicroMarket.Market.Tests.Clearing.Orders;

namespace MicroMarket.Market.Tests.Clearing;

public sealed class ClearingResultJsonTests
{
    [Fact]
    public void Writes_price_volume_and_fills_compactly_with_their_units_in_their_names()
    {
        var result = Result(100, 8, (1, 4), (2, 2), (3, 2));

        Assert.Equal("""{"price_micro_tokens_per_kwh":100,"volume_wh":8,"fills_wh":{"1":4,"2":2,"3":2}}""", ToJson(result));
    }

    [Fact]
    public void Writes_a_null_price_and_no_fills_when_nothing_trades()
    {
        Assert.Equal("""{"price_micro_tokens_per_kwh":null,"volume_wh":0,"fills_wh":{}}""", ToJson(ClearingResult.NoTrade));
    }

    [Fact]
    public void Orders_fill_ids_numerically_not_as_text()
    {
        var result = Result(7, 30, (10, 10), (2, 10), (100, 5), (9, 5));

        Assert.Equal("""{"price_micro_tokens_per_kwh":7,"volume_wh":30,"fills_wh":{"2":10,"9":5,"10":10,"100":5}}""", ToJson(result));
    }

    [Fact]
    public void Writes_values_beyond_32_bits_as_plain_integers()
    {
        var result = Result(uint.MaxValue, 8_589_934_590, (long.MaxValue, uint.MaxValue), (0, uint.MaxValue), (1, 4_294_967_295));

        Assert.Equal(
            """{"price_micro_tokens_per_kwh":4294967295,"volume_wh":8589934590,"fills_wh":{"0":4294967295,"1":4294967295,"9223372036854775807":4294967295}}""",
            ToJson(result));
    }

    [Fact]
    public void A_stream_receives_the_same_UTF8_text()
    {
        var result = Result(100, 8, (1, 4), (2, 4));
        using var stream = new MemoryStream();

        ClearingResultJson.Write(result, stream);

        Assert.Equal(ToJson(result), Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static string ToJson(ClearingResult result)
    {
        using var text = new StringWriter();
        ClearingResultJson.Write(result, text);
        return text.ToString();
    }
}
