using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Simulation.Tests;

public sealed class PriceForecasterTests
{
    /// <summary>A merit order of 0.50 at night (slots 0..31 and 72..95) and nothing at midday, on 96 slots a day.</summary>
    private static decimal Merit(int slot) => (slot % 96) is >= 32 and < 72 ? 0m : 0.50m;

    [Fact]
    public void Before_anything_cleared_it_expects_the_merit_order_within_the_price_bounds()
    {
        var outlook = new PriceForecaster(96, 1, Merit, 0m, 0.40m).Outlook(0);
        Assert.Equal(0, outlook.FirstSlot);
        Assert.Equal(Enumerable.Range(0, 96).Select(s => Math.Min(Merit(s), 0.40m)), outlook.Prices);
    }

    [Fact]
    public void It_learns_the_merit_orders_bias_at_each_time_of_day_exponentially()
    {
        var forecaster = new PriceForecaster(96, 1, Merit, 0m, 3m);
        forecaster.Learn(40, 0.20m);
        Assert.Equal(0.06m, forecaster.Outlook(1).At(136)); // 0 + 0.3 x 0.20
        forecaster.Learn(136, 0.10m);
        Assert.Equal(0.072m, forecaster.Outlook(2).At(232)); // 0.7 x 0.06 + 0.3 x 0.10
        // Other times of day keep the merit order; the day's own merit order moves the expectation as it is.
        Assert.Equal(0.50m, forecaster.Outlook(2).At(192));
    }

    [Fact]
    public void With_quarter_hours_it_pools_the_hour_so_one_slots_noise_moves_the_hour_by_a_quarter()
    {
        var forecaster = new PriceForecaster(96, 4, _ => 0m, 0m, 3m);
        forecaster.Learn(44, 0.40m);
        var once = forecaster.Outlook(1);
        Assert.All(Enumerable.Range(140, 4), s => Assert.Equal(once.At(140), once.At(s)));
        Assert.InRange(once.At(140), 0.034m, 0.035m); // 0.40 x (1 - 0.7^(1/4))
        Assert.Equal(0m, once.At(144));
        foreach (var slot in Enumerable.Range(45, 3))
        {
            forecaster.Learn(slot, 0.40m);
        }
        Assert.InRange(forecaster.Outlook(1).At(140), 0.1199m, 0.1201m); // the whole hour at 0.40: 0.3 x 0.40, as one slot an hour
    }

    [Fact]
    public void What_the_merit_order_knows_of_the_day_itself_passes_through_the_learned_bias()
    {
        // A cloudy day 2: the merit order expects the genset at 11:00, and the learned bias still applies.
        var forecaster = new PriceForecaster(96, 1, s => s == 236 ? 0.50m : 0m, 0m, 3m);
        forecaster.Learn(44, 0.20m);
        Assert.Equal(0.56m, forecaster.Outlook(2).At(236));
    }

    /// <summary>
    /// A cobweb: the cheaper a slot is expected, the more flexible demand piles in and the dearer it clears
    /// (cleared = 0.40 - 2 x expected, within 0..0.40). Planning on yesterday's price, the slot flips between
    /// 0 and 0.40 every other day; the forecaster's expectation settles and so does the price.
    /// </summary>
    [Fact]
    public void A_cobweb_that_yesterdays_price_feeds_settles_on_the_forecaster()
    {
        static decimal Cleared(decimal expected) => Math.Clamp(0.40m - 2 * expected, 0m, 0.40m);
        var yesterday = 0m;
        var naive = new List<decimal>();
        var forecaster = new PriceForecaster(1, 1, _ => 0m, 0m, 3m);
        var damped = new List<decimal>();
        for (var day = 0; day < 7; day++)
        {
            naive.Add(yesterday = Cleared(yesterday));
            var price = Cleared(forecaster.Outlook(day).At(day));
            forecaster.Learn(day, price);
            damped.Add(price);
        }
        Assert.Equal([0.40m, 0m, 0.40m, 0m, 0.40m, 0m, 0.40m], naive);
        var swings = damped.Zip(damped.Skip(1), (a, b) => Math.Abs(b - a)).ToList();
        Assert.All(swings.Zip(swings.Skip(1)), p => Assert.True(p.Second < p.First / 2, $"swings {string.Join(", ", swings)}"));
        Assert.True(swings[^1] < 0.001m, $"last swing {swings[^1]}");
    }

    [Fact]
    public void Its_error_is_the_mean_absolute_error_of_each_slots_first_day_ahead_expectation()
    {
        var forecaster = new PriceForecaster(96, 1, Merit, 0m, 3m);
        Assert.Equal(new(null, 0), forecaster.Error);
        forecaster.Outlook(0);
        forecaster.Outlook(0); // an intra-day round asking again does not move what the day was bid on
        forecaster.Learn(10, 0.40m);  // expected 0.50
        forecaster.Learn(40, 0.30m);  // expected 0
        forecaster.Learn(500, 0.30m); // never expected: not scored
        Assert.Equal(new(0.2m, 2), forecaster.Error);
        // The next outlooks carry it, for units to judge which differences are real.
        Assert.Equal(0.2m, forecaster.Outlook(1).Uncertainty);
    }
}
