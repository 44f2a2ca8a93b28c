using CsCheck;
using MicroMarket.Market.Clearing;
using Xunit;
using static MicroMarket.Market.Tests.Clearing.Orders;

namespace MicroMarket.Market.Tests.Clearing;

public sealed class OrderBookCsvTests
{
    private const string FileName = "book.csv";

    [Theory]
    [InlineData("id,side,price,quantity\n1,buy,120,10\n2,sell,100,8\n")]
    [InlineData("id,side,price,quantity\n1,buy,120,10\n2,sell,100,8")]
    [InlineData("id,side,price,quantity\r\n1,buy,120,10\r\n2,sell,100,8\r\n")]
    public void Reads_a_good_file_with_or_without_a_trailing_newline(string text)
    {
        var book = Read(text);

        Assert.Equal<Order>([Buy(1, 120, 10), Sell(2, 100, 8)], book.Orders);
    }

    [Fact]
    public void Reads_the_extremes_of_each_field()
    {
        var book = Read("id,side,price,quantity\n0,sell,0,1\n9223372036854775807,buy,4294967295,4294967295\n007,buy,010,01\n");

        Assert.Equal<Order>([Sell(0, 0, 1), Buy(long.MaxValue, uint.MaxValue, uint.MaxValue), Buy(7, 10, 1)], book.Orders);
    }

    [Fact]
    public void Reads_and_writes_participants()
    {
        var text = "id,side,price,quantity,participant\n1,buy,120,10,7\n2,sell,130,8,7\n3,sell,100,5,2\n";
        var book = Read(text);
        Assert.Equal([7L, 7L, 2L], book.Orders.Select(o => o.Participant!.Value));
        using var written = new StringWriter();
        OrderBookCsv.Write(book, written);
        Assert.Equal(text, written.ToString());
    }

    [Fact]
    public void Rejects_a_participant_whose_buys_and_sells_cross_at_the_later_line()
    {
        var error = Assert.Throws<OrderBookFormatException>(() => Read("id,side,price,quantity,participant\n1,sell,120,10,7\n2,buy,100,5,2\n3,buy,120,8,7\n"));
        Assert.Equal((4, "price"), (error.LineNumber, error.Field));
        Assert.Contains("participant 7 buys at 120 (line 4) and sells at 120 (line 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_alone_is_an_empty_book()
    {
        Assert.Empty(Read("id,side,price,quantity\n").Orders);
    }

    [Theory]
    [InlineData("", 1, null, "the file is empty; expected the header 'id,side,price,quantity'")]
    [InlineData("id,side,price\n1,buy,1,1\n", 1, null, "expected the header 'id,side,price,quantity' or 'id,side,price,quantity,participant', found 'id,side,price'")]
    [InlineData("ID,side,price,quantity\n", 1, null, "expected the header 'id,side,price,quantity' or 'id,side,price,quantity,participant', found 'ID,side,price,quantity'")]
    [InlineData("1,buy,1,1\n", 1, null, "expected the header 'id,side,price,quantity' or 'id,side,price,quantity,participant', found '1,buy,1,1'")]
    [InlineData("id,side,price,quantity\n1,buy,1,1\n\n2,sell,1,1\n", 3, null, "blank line; every line after the header must be an order")]
    [InlineData("id,side,price,quantity\n\n", 2, null, "blank line; every line after the header must be an order")]
    [InlineData("id,side,price,quantity\n1,buy,1,1\n\n", 3, null, "blank line; every line after the header must be an order")]
    [InlineData("id,side,price,quantity\n1,buy,1\n", 2, "quantity", "missing; expected 4 fields (id,side,price,quantity), found 3")]
    [InlineData("id,side,price,quantity\n1\n", 2, "side", "missing; expected 4 fields (id,side,price,quantity), found 1")]
    [InlineData("id,side,price,quantity\n1,buy,1,1,\n", 2, null, "expected 4 fields (id,side,price,quantity), found 5")]
    [InlineData("id,side,price,quantity\n-1,buy,1,1\n", 2, "id", "'-1' is not a non-negative integer")]
    [InlineData("id,side,price,quantity\n9223372036854775808,buy,1,1\n", 2, "id", "'9223372036854775808' is out of range (0..9223372036854775807)")]
    [InlineData("id,side,price,quantity\n1,Buy,1,1\n", 2, "side", "'Buy' is not 'buy' or 'sell'")]
    [InlineData("id,side,price,quantity\n1,,1,1\n", 2, "side", "'' is not 'buy' or 'sell'")]
    [InlineData("id,side,price,quantity\n1,buy,,1\n", 2, "price", "'' is not a non-negative integer")]
    [InlineData("id,side,price,quantity\n1,buy, 1,1\n", 2, "price", "' 1' is not a non-negative integer")]
    [InlineData("id,side,price,quantity\n1,buy,1.5,1\n", 2, "price", "'1.5' is not a non-negative integer")]
    [InlineData("id,side,price,quantity\n1,buy,4294967296,1\n", 2, "price", "'4294967296' is out of range (0..4294967295)")]
    [InlineData("id,side,price,quantity\n1,buy,99999999999999999999999,1\n", 2, "price", "'99999999999999999999999' is out of range (0..4294967295)")]
    [InlineData("id,side,price,quantity\n1,buy,1,+1\n", 2, "quantity", "'+1' is not a non-negative integer")]
    [InlineData("id,side,price,quantity\n1,buy,1,4294967296\n", 2, "quantity", "'4294967296' is out of range (0..4294967295)")]
    [InlineData("id,side,price,quantity\n1,buy,1,0\n", 2, "quantity", "'0' is not an order; the quantity must be at least 1 Wh")]
    [InlineData("id,side,price,quantity\n1,buy,1,00\n", 2, "quantity", "'00' is not an order; the quantity must be at least 1 Wh")]
    [InlineData("id,side,price,quantity\n4,buy,1,1\n5,sell,1,1\n4,sell,2,2\n", 4, "id", "duplicate id 4, already used on line 2")]
    public void Rejects_malformed_input_naming_file_line_and_field(string text, int line, string? field, string problem)
    {
        var error = Assert.Throws<OrderBookFormatException>(() => Read(text));

        var expected = field is null ? $"book.csv:{line}: {problem}" : $"book.csv:{line}: field '{field}': {problem}";
        Assert.Equal(expected, error.Message);
        Assert.Equal(FileName, error.FileName);
        Assert.Equal(line, error.LineNumber);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Counts_lines_from_the_header_as_line_1()
    {
        var text = "id,side,price,quantity\r\n1,buy,1,1\r\n2,buy,1,1\r\n3,buy,1,1\r\n4,sell,1,1\r\n5,sell,1,1\r\n6,sell,abc,1\r\n";

        var error = Assert.Throws<OrderBookFormatException>(() => Read(text));

        Assert.Equal("book.csv:7: field 'price': 'abc' is not a non-negative integer", error.Message);
    }

    [Fact]
    public void Writes_the_header_then_one_line_per_order()
    {
        var book = new OrderBook(Buy(1, 120, 10), Sell(2, 100, 8));
        using var text = new StringWriter();

        OrderBookCsv.Write(book, text);

        Assert.Equal("id,side,price,quantity\n1,buy,120,10\n2,sell,100,8\n", text.ToString());
    }

    [Fact]
    public void Reading_what_was_written_gives_back_the_same_orders()
    {
        OrderBookGen.Books.Sample(book =>
        {
            using var text = new StringWriter();
            OrderBookCsv.Write(book, text);

            Assert.Equal<Order>(book.Orders, Read(text.ToString()).Orders);
        }, iter: 500, print: OrderBookGen.Print);
    }

    private static OrderBook Read(string text)
    {
        using var reader = new StringReader(text);
        return OrderBookCsv.Read(reader, FileName);
    }
}
