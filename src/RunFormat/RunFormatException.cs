namespace MicroMarket.RunFormat;

/// <summary>
/// A run directory that cannot be read: a missing file, a missing column or a malformed cell. The message names
/// the file, and where it applies the line and the field, e.g. <c>slots.csv:42: da_price: 'abc' is not a number</c>.
/// </summary>
public sealed class RunFormatException(string message) : Exception(message);
