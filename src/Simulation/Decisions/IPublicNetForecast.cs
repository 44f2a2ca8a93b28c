namespace MicroMarket.Simulation.Decisions;

/// <summary>
/// A unit whose uncontrollable net export forecast is public once it bids (a price taker's orders are its forecast): the
/// market's merit-order price estimate adds them up.
/// </summary>
public interface IPublicNetForecast
{
    /// <summary>The net export expected in slots [first, first + count) as forecast at <paramref name="issueSlot"/>, kW.</summary>
    IEnumerable<double> ExpectedNetExportKw(int issueSlot, int first, int count);
}
