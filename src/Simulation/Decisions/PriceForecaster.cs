using MicroMarket.RunFormat;

namespace MicroMarket.Simulation.Decisions;

/// <summary>
/// The price expectation every planning agent shares (docs/market-rules.md, "Price expectations"):
/// per slot, the merit-order estimate of that slot plus the exponentially weighted bias the
/// merit order has shown in the same hour of the day:
/// <code>expected(d, k) = clamp(merit(d, k) + b(h(k)))    b(h) ← (1 - α) b(h) + α mean over the hour's slots k of (cleared(d, k) - merit(d, k))</code>
/// The hour pools its slots: one slot's price, set by whichever small order was marginal, is noise
/// that units would otherwise chase (a slot cleared at 0 in the night drew every EV into it).
/// The merit order carries what is known of the day itself (sun and wind forecast against demand,
/// the tariffs or the genset's cost); the learned bias carries what it cannot see (storage and
/// flexible demand moving the price). Learning the bias with α = <see cref="Smoothing"/> instead of
/// taking yesterday's price damps the cobweb: when the loads pile into yesterday's cheap slot and
/// make it dear, tomorrow's expectation moves by α of that surprise, not all of it, so it does not
/// flip between two values every other day. Before anything cleared, the expectation is the merit
/// order alone, which is sensible on day one without a hand-written outlook. It also keeps the
/// run's forecast error: the mean absolute error of each slot's day-ahead expectation against the
/// price it cleared at.
/// </summary>
public sealed class PriceForecaster
{
    /// <summary>
    /// The weight of the newest day in the learned bias: 0.3 halves a day's surprise in two days and
    /// keeps about a week's memory (a run's length), while a cobweb's swing reaches tomorrow's
    /// expectation at less than a third of its size.
    /// </summary>
    public const decimal Smoothing = 0.3m;

    private readonly int _slotsPerDay;
    private readonly int _slotsPerHour;
    private readonly decimal _slotSmoothing;
    private readonly Func<int, decimal> _meritOrder;
    private readonly decimal _floor;
    private readonly decimal _cap;
    private readonly decimal?[] _bias;
    private readonly Dictionary<int, decimal> _expected = [];
    private decimal _absoluteErrorSum;
    private int _errorSlots;

    /// <param name="meritOrder">The merit-order estimate of a slot (or the scenario's own outlook where it gives one).</param>
    /// <param name="floor">The market's price floor, tokens per kWh.</param>
    /// <param name="cap">The market's price cap.</param>
    public PriceForecaster(int slotsPerDay, int slotsPerHour, Func<int, decimal> meritOrder, decimal floor, decimal cap)
    {
        _slotsPerDay = slotsPerDay;
        _slotsPerHour = slotsPerHour;
        // Each of the hour's slots moves its bias by this, so that a whole hour moves it by about Smoothing.
        _slotSmoothing = (decimal)(1 - Math.Pow(1 - (double)Smoothing, 1.0 / slotsPerHour));
        _meritOrder = meritOrder;
        _floor = floor;
        _cap = cap;
        _bias = new decimal?[slotsPerDay / slotsPerHour];
    }

    /// <summary>The expected price of every slot of <paramref name="day"/>; the first outlook of a slot is the one its error is measured on.</summary>
    public PriceOutlook Outlook(int day)
    {
        var first = day * _slotsPerDay;
        // To the micro-token, the market's price resolution: slots.csv records each expectation exactly, so the error is
        // recomputable from the tables.
        var prices = Enumerable.Range(0, _slotsPerDay).Select(k => Math.Round(Math.Clamp(_meritOrder(first + k) + (_bias[k / _slotsPerHour] ?? 0m), _floor, _cap), 6)).ToList();
        for (var k = 0; k < _slotsPerDay; k++)
        {
            _expected.TryAdd(first + k, prices[k]);
        }
        return new PriceOutlook(first, prices) { Uncertainty = Error.MeanAbsoluteError ?? 0m };
    }

    /// <summary>A slot cleared day-ahead at <paramref name="price"/>: learns the merit order's bias in that hour of the day and scores the expectation.</summary>
    public void Learn(int slot, decimal price)
    {
        var hour = (((slot % _slotsPerDay) + _slotsPerDay) % _slotsPerDay) / _slotsPerHour;
        var surprise = price - _meritOrder(slot);
        _bias[hour] = (1 - _slotSmoothing) * (_bias[hour] ?? 0m) + _slotSmoothing * surprise;
        if (_expected.TryGetValue(slot, out var expected))
        {
            _absoluteErrorSum += Math.Abs(price - expected);
            _errorSlots++;
        }
    }

    /// <summary>The expectation the day-ahead auction of <paramref name="slot"/> was bid on, or null before its day was planned.</summary>
    public decimal? ExpectedAt(int slot) => _expected.TryGetValue(slot, out var price) ? price : null;

    /// <summary>The mean absolute error of the day-ahead expectations against the cleared prices so far, and over how many slots.</summary>
    public PriceForecastError Error => new(_errorSlots == 0 ? null : Math.Round(_absoluteErrorSum / _errorSlots, 6), _errorSlots);

    /// <summary>What it has learnt so far, for a market node's checkpoint (its prior is the plan's, rebuilt on resuming).</summary>
    public PriceForecasterState Save() => new([.. _bias], new SortedDictionary<int, decimal>(_expected), _absoluteErrorSum, _errorSlots);

    /// <summary>Takes up what <see cref="Save"/> kept, as if it had learnt it itself.</summary>
    public void Restore(PriceForecasterState state)
    {
        if (state.Bias.Count != _bias.Length)
        {
            throw new InvalidDataException($"the saved price forecast has {state.Bias.Count} hours, the plan {_bias.Length}");
        }
        for (var hour = 0; hour < _bias.Length; hour++)
        {
            _bias[hour] = state.Bias[hour];
        }
        _expected.Clear();
        foreach (var (slot, price) in state.Expected)
        {
            _expected[slot] = price;
        }
        (_absoluteErrorSum, _errorSlots) = (state.AbsoluteErrorSum, state.ErrorSlots);
    }
}

/// <summary>A <see cref="PriceForecaster"/>'s learnt bias per hour, the expectations it handed out and its error so far.</summary>
public sealed record PriceForecasterState(IReadOnlyList<decimal?> Bias, IReadOnlyDictionary<int, decimal> Expected, decimal AbsoluteErrorSum, int ErrorSlots);
