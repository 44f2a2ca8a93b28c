using MicroMarket.Grid.Forecasting;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation.Decisions.Units;

/// <summary>
/// A unit's uncontrollable power over the run (PV or wind generation, household demand), kW per
/// slot, and its forecasts: forecast = actual + an error whose sigma falls from the day-ahead to the
/// intra-day value as the horizon shortens (MicroMarket.Grid.Forecasting). The series covers one day
/// before the first delivery day (day-ahead forecasts are issued then) and one day past the last (a
/// plan may look beyond midnight); slots are indexed from the market's genesis, so they may be negative.
/// </summary>
public sealed class ExogenousSeries
{
    private readonly double[] _actualKw;
    private readonly int _offset;
    private readonly Forecaster _forecaster;
    private readonly double _capacityKw;

    /// <param name="actualKw">Actual kW for slot s - <paramref name="firstSlot"/> at index s.</param>
    public ExogenousSeries(double[] actualKw, int firstSlot, ForecastSpec forecast, TimeSpan slotLength, ulong seed, double capacityKw)
    {
        _actualKw = actualKw;
        _offset = -firstSlot;
        _capacityKw = capacityKw;
        var model = new ForecastErrorModel(
            forecast.IntradaySigma,
            Math.Max(forecast.DayAheadSigma, forecast.IntradaySigma),
            TimeSpan.FromHours(4),
            forecast.ErrorDistribution,
            forecast.ErrorScale,
            forecast.Correlation);
        _forecaster = new Forecaster(model, slotLength, seed);
    }

    public double ActualKw(int slot) => _actualKw[slot + _offset];

    /// <summary>The forecast of slots [first, first + count) as issued at the start of <paramref name="issueSlot"/>, kW.</summary>
    public double[] Forecast(int issueSlot, int first, int count)
    {
        var output = new double[count];
        _forecaster.Forecast(_actualKw, issueSlot + _offset, first + _offset, _capacityKw, 0.0, 1.5 * _capacityKw, output);
        return output;
    }

    /// <summary>Builds a series for slots [firstSlot, firstSlot + count) from a function of the slot.</summary>
    public static double[] Sample(int firstSlot, int count, Func<int, double> kwAtSlot) =>
        Enumerable.Range(firstSlot, count).Select(kwAtSlot).ToArray();
}
