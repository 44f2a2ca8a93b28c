using System.Globalization;

namespace MicroMarket.Market.Clearing;

/// <summary>
/// Order books as CSV: the header <c>id,side,price,quantity</c>, then one order per line, e.g.
/// <c>7,sell,120000,1500</c>. <c>side</c> is <c>buy</c> or <c>sell</c> (lowercase); <c>id</c> is a
/// non-negative integer unique in the file; <c>price</c> (micro-units per kWh) and <c>quantity</c>
/// (Wh) are non-negative integers within uint32, the quantity at least 1. Lines end in <c>\n</c> or
/// <c>\r\n</c>; the last line may end with one, and no line may be blank.
/// </summary>
public static class OrderBookCsv
{
    public const string Header = "id,side,price,quantity";

    private static readonly string[] FieldNames = Header.Split(',');

    private static int FieldCount => FieldNames.Length;

    /// <summary>Reads a whole order book.</summary>
    /// <param name="fileName">Used only to name the file in error messages.</param>
    /// <exception cref="OrderBookFormatException">The text is not a valid order book.</exception>
    public static OrderBook Read(TextReader reader, string fileName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(fileName);

        var header = reader.ReadLine();
        if (header is null)
        {
            throw new OrderBookFormatException(fileName, 1, null, $"the file is empty; expected the header '{Header}'");
        }
        if (header != Header)
        {
            throw new OrderBookFormatException(fileName, 1, null, $"expected the header '{Header}', found '{header}'");
        }

        var orders = new List<Order>();
        var lineOfId = new Dictionary<long, int>();
        var lineNumber = 1;
        // ReadLine splits on \n, \r\n and \r alike and yields no empty line after a final line
        // break, so a trailing newline is accepted while any blank line is seen and rejected.
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Length == 0)
            {
                throw new OrderBookFormatException(fileName, lineNumber, null, "blank line; every line after the header must be an order");
            }
            var fields = line.Split(',');
            if (fields.Length < FieldCount)
            {
                throw new OrderBookFormatException(
                    fileName, lineNumber, FieldNames[fields.Length], $"missing; expected {FieldCount} fields ({Header}), found {fields.Length}");
            }
            if (fields.Length > FieldCount)
            {
                throw new OrderBookFormatException(
                    fileName, lineNumber, null, $"expected {FieldCount} fields ({Header}), found {fields.Length}");
            }

            var id = (long)ParseInteger(fields[0], long.MaxValue, "id", fileName, lineNumber);
            var side = ParseSide(fields[1], fileName, lineNumber);
            var price = (uint)ParseInteger(fields[2], uint.MaxValue, "price", fileName, lineNumber);
            var quantity = (uint)ParseInteger(fields[3], uint.MaxValue, "quantity", fileName, lineNumber);
            if (quantity == 0)
            {
                throw new OrderBookFormatException(fileName, lineNumber, "quantity", $"'{fields[3]}' is not an order; the quantity must be at least 1 Wh");
            }
            if (!lineOfId.TryAdd(id, lineNumber))
            {
                throw new OrderBookFormatException(
                    fileName, lineNumber, "id", $"duplicate id {id}, already used on line {lineOfId[id]}");
            }
            orders.Add(new Order(id, side, price, quantity));
        }
        return new OrderBook(orders);
    }

    /// <summary>Writes <paramref name="book"/> in the format <see cref="Read"/> accepts, with <c>\n</c> line ends.</summary>
    public static void Write(OrderBook book, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(writer);

        writer.Write(Header);
        writer.Write('\n');
        foreach (var order in book.Orders)
        {
            var side = order.Side == OrderSide.Buy ? "buy" : "sell";
            writer.Write(string.Create(
                CultureInfo.InvariantCulture,
                $"{order.Id},{side},{order.PriceMicroPerKwh},{order.QuantityWh}\n"));
        }
    }

    private static OrderSide ParseSide(string text, string fileName, int lineNumber) => text switch
    {
        "buy" => OrderSide.Buy,
        "sell" => OrderSide.Sell,
        _ => throw new OrderBookFormatException(fileName, lineNumber, "side", $"'{text}' is not 'buy' or 'sell'"),
    };

    /// <summary>Digits only: no sign, no spaces, no quotes, no decimal point.</summary>
    private static ulong ParseInteger(string text, ulong max, string field, string fileName, int lineNumber)
    {
        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            throw new OrderBookFormatException(fileName, lineNumber, field, $"'{text}' is not a non-negative integer");
        }
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > max)
        {
            throw new OrderBookFormatException(fileName, lineNumber, field, $"'{text}' is out of range (0..{max})");
        }
        return value;
    }
}
