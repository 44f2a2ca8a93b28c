namespace MicroMarket.Simulation.Decisions;

/// <summary>
/// The feeder's expected net export per slot: the sum of what its price takers (PV, wind, households, prosumers' load and PV) forecast as
/// issued at a given slot, which is what they bid there, so public once their orders are. Storage and flexible demand
/// are not in it: they are what moves it. The merit-order estimate prices a slot by its sign; a community battery
/// plans on its size.
/// </summary>
public sealed class FeederOutlook(IReadOnlyList<IPublicNetForecast> priceTakers)
{
    /// <summary>The feeder's expected net export in slots [first, first + count) as forecast at <paramref name="issueSlot"/>, kW.</summary>
    public double[] ExpectedNetExportKw(int issueSlot, int first, int count)
    {
        var netExportKw = new double[count];
        foreach (var unit in priceTakers)
        {
            foreach (var (kw, k) in unit.ExpectedNetExportKw(issueSlot, first, count).Select((kw, k) => (kw, k)))
            {
                netExportKw[k] += kw;
            }
        }
        return netExportKw;
    }
}
