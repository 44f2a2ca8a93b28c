using MicroMarket.RunFormat;
using MicroMarket.Market.Clearing;

namespace MicroMarket.Market.Tests.Clearing;

/// <summary>Short order constructors for readable examples: <c>Buy(id, price, wh)</c>.</summary>
internal static class Orders
{
    public static Order Buy(long id, uint priceMicroPerKwh, uint quantityWh) =>
        new(id, OrderSide.Buy, priceMicroPerKwh, quantityWh);

    public static Order Sell(long id, uint priceMicroPerKwh, uint quantityWh) =>
        new(id, OrderSide.Sell, priceMicroPerKwh, quantityWh);

    public static ClearingResult Result(uint? priceMicroPerKwh, ulong volumeWh, params (long OrderId, ulong QuantityWh)[] fills) =>
        new(priceMicroPerKwh, volumeWh, fills.Select(fill => new Fill(fill.OrderId, fill.QuantityWh)));
}
