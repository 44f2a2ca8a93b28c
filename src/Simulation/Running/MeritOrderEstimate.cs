using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Simulation.Running;

/// <summary>
/// The price of a slot as the merit order of publicly known offers sets it, before anything has
/// traded: when the PV, wind, household and prosumer forecasts (what those price takers bid, issued at the
/// day-ahead gate) add up to a surplus, the marginal trade is a surplus nobody else wants, worth
/// what the balance-responsible party pays for it (the slot's feed-in tariff; nothing in an island);
/// otherwise the marginal supply is the balance-responsible party's (the slot's retail tariff plus
/// grid fee; in an island the genset's convex-hull price at its rating, <see cref="BalanceResponsibleParty"/>).
/// Storage and flexible demand move the price between the two; the forecaster learns that part
/// (<see cref="Decisions.PriceForecaster"/>). A scenario's <c>market.price_outlook</c> replaces this estimate.
/// </summary>
public sealed class MeritOrderEstimate
{
    private readonly ScenarioPlan _plan;
    private readonly BalanceResponsibleParty _brp;
    private readonly FeederOutlook _feeder;
    private readonly Dictionary<int, decimal[]> _days = [];

    public MeritOrderEstimate(ScenarioPlan plan)
    {
        _plan = plan;
        _brp = BalanceResponsibleParty.Of(plan.Scenario);
        _feeder = new FeederOutlook(plan.Units.Select(u => u.Agent).OfType<IPublicNetForecast>().ToList());
    }

    public decimal At(int slot)
    {
        var perDay = _plan.Calendar.SlotsPerDay;
        var day = (int)Math.Floor(slot / (double)perDay);
        if (!_days.TryGetValue(day, out var prices))
        {
            _days[day] = prices = Day(day);
        }
        return prices[slot - day * perDay];
    }

    /// <summary>The day's estimate per slot, from the forecasts as issued for its day-ahead auction.</summary>
    private decimal[] Day(int day)
    {
        var calendar = _plan.Calendar;
        var perDay = calendar.SlotsPerDay;
        var bidding = calendar.Timeline().First(p => p.Kind == PhaseKind.DayAheadBidding && p.Period == Math.Clamp(day, 0, calendar.Days - 1));
        var issueSlot = calendar.SlotAt(bidding.UnixTime);
        return _feeder.ExpectedNetExportKw(issueSlot, day * perDay, perDay).Select((kw, k) =>
        {
            var tariff = _brp.At(day * perDay + k);
            return kw >= 0 ? tariff.Export : tariff.Import;
        }).ToArray();
    }
}
