namespace MicroMarket.Market.Clearing;

/// <summary>How much of order <paramref name="OrderId"/> traded in the slot, in Wh.</summary>
public sealed record Fill(long OrderId, ulong QuantityWh);
