using MicroMarket.RunFormat;
using System.Globalization;

namespace MicroMarket.Market.Clearing;

/// <summary>
/// Order books as CSV: the header <c>id,side,price,quantity</c>, then one order per line, e.g.
/// <c>7,sell,120000,1500</c>. <c>side</c> is <c>buy</c> or <c>sell</c> (lowercase); <c>id</c> is a
/// non-negative integer unique in the file; <c>price</c> (micro-units per kWh) and <c>quantity</c>
/// (Wh) are non-negative integers within uint32, the quantity at least 1. With the header
/// <c>id,side,price,quantity,participant</c> each order also names who placed it (a non-negative
/// integer), and a participant's buys must be priced below its sells (see <see cref="OrderBook"/>).
/// Lines end in <c>\n</c> or <c>\r\n</c>; the last line may end with one, and no line may be blank.
/// </summary>
public static class OrderBookCsv
{
    public const string Header = "id,side,price,quantity";

    /// <summary>The header of a book whose orders name their participants.</summary>
    public const string ParticipantHeader = Header + ",participant";

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
        if (header is not (Header or ParticipantHeader))
        {
            throw new OrderBookFormatException(fileName, 1, null, $"expected the header '{Header}' or '{ParticipantHeader}', found '{header}'");
        }
        var fieldNames = header.Split(',');
        var fieldCount = fieldNames.Length;

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
            if (fields.Length < fieldCount)
            {
                throw new OrderBookFormatException(
                    fileName, lineNumber, fieldNames[fields.Length], $"missing; expected {fieldCount} fields ({header}), found {fields.Length}");
            }
            if (fields.Length > fieldCount)
            {
                throw new OrderBookFormatException(
                    fileName, lineNumber, null, $"expected {fieldCount} fields ({header}), found {fields.Length}");
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
            var participant = fieldCount > 4 ? (long?)ParseInteger(fields[4], long.MaxValue, "participant", fileName, lineNumber) : null;
            orders.Add(new Order(id, side, price, quantity, participant));
        }
        RejectSelfCrossing(orders, lineOfId, fileName);
        return new OrderBook(orders);
    }

    /// <summary>Writes <paramref name="book"/> in the format <see cref="Read"/> accepts, with <c>\n</c> line ends.</summary>
    public static void Write(OrderBook book, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(writer);

        var withParticipants = book.Orders.Any(o => o.Participant is not null);
        writer.Write(withParticipants ? ParticipantHeader : Header);
        writer.Write('\n');
        foreach (var order in book.Orders)
        {
            var side = order.Side == OrderSide.Buy ? "buy" : "sell";
            var participant = withParticipants ? string.Create(CultureInfo.InvariantCulture, $",{order.Participant}") : "";
            writer.Write(string.Create(
                CultureInfo.InvariantCulture,
                $"{order.Id},{side},{order.PriceMicroPerKwh},{order.QuantityWh}{participant}\n"));
        }
    }

    /// <summary>The book's own no-self-trade rule (<see cref="OrderBook"/>), located at the order that completes the crossing.</summary>
    private static void RejectSelfCrossing(List<Order> orders, Dictionary<long, int> lineOfId, string fileName)
    {
        foreach (var participant in orders.Where(o => o.Participant is not null).GroupBy(o => o.Participant))
        {
            var highestBuy = participant.Where(o => o.Side == OrderSide.Buy).MaxBy(o => o.PriceMicroPerKwh);
            var lowestSell = participant.Where(o => o.Side == OrderSide.Sell).MinBy(o => o.PriceMicroPerKwh);
            if (highestBuy is not null && lowestSell is not null && highestBuy.PriceMicroPerKwh >= lowestSell.PriceMicroPerKwh)
            {
                var (buyLine, sellLine) = (lineOfId[highestBuy.Id], lineOfId[lowestSell.Id]);
                throw new OrderBookFormatException(fileName, Math.Max(buyLine, sellLine), "price",
                    $"participant {participant.Key} buys at {highestBuy.PriceMicroPerKwh} (line {buyLine}) and sells at {lowestSell.PriceMicroPerKwh} (line {sellLine}): " +
                    "a participant's buys must be priced below its sells, since its own orders never trade with each other");
            }
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
