namespace MicroMarket.Market.Clearing;

/// <summary>
/// An order-book file that does not follow the format of <see cref="OrderBookCsv"/>. The message
/// names the file, the 1-based line and, where one is at fault, the field:
/// <c>book.csv:7: field 'price': 'abc' is not a non-negative integer</c>.
/// </summary>
public sealed class OrderBookFormatException : FormatException
{
    public OrderBookFormatException(string fileName, int lineNumber, string? field, string problem)
        : base(field is null
            ? $"{fileName}:{lineNumber}: {problem}"
            : $"{fileName}:{lineNumber}: field '{field}': {problem}")
    {
        FileName = fileName;
        LineNumber = lineNumber;
        Field = field;
    }

    public string FileName { get; }

    /// <summary>1-based; the header is line 1.</summary>
    public int LineNumber { get; }

    /// <summary>The column at fault (<c>id</c>, <c>side</c>, <c>price</c> or <c>quantity</c>), or null for a line-level problem.</summary>
    public string? Field { get; }
}
