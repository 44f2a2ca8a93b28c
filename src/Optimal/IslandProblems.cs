using MicroMarket.Grid.Units;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Optimal;

/// <summary>Maps a scenario and its actuals (the very series the run's agents get) to the optimal reference's problem.</summary>
public static class IslandProblems
{
    /// <summary>
    /// The island over the scenario's delivery days. Renewables and households are summed (one bus, losses as
    /// <paramref name="lossFactor"/>); the value of lost load is the market's price cap, the dearest any buyer can bid.
    /// </summary>
    public static IslandProblem From(Scenario scenario, ScenarioSeries series, double lossFactor = 0.0)
    {
        if (scenario.Mode is not IslandMode)
        {
            throw new ArgumentException("the optimal reference is for islands; this scenario is grid-connected");
        }
        var slots = scenario.Time.Days * scenario.Time.SlotsPerDay;
        var renewable = new double[slots];
        var load = new double[slots];
        var largestInfeed = new double[slots];
        var gensets = new List<OptimalGenset>();
        var batteries = new List<OptimalBattery>();
        var reserveFraction = 0.0;
        // The optimum runs a prosumer's members as if they were the island's own: a bound no meter can beat.
        var units = scenario.Units.SelectMany(u => u is ProsumerUnit prosumer ? prosumer.Members : [u]).ToList();
        foreach (var unit in units)
        {
            switch (unit)
            {
                case PvUnit pv:
                    Add(renewable, largestInfeed, series.Pv(pv), series.FirstSlot);
                    break;
                case WindUnit wind:
                    Add(renewable, largestInfeed, series.Wind(wind), series.FirstSlot);
                    break;
                case LoadUnit household:
                    Add(load, series.Load(household), series.FirstSlot);
                    break;
                case SlackUnit or BatteryUnit:
                    reserveFraction = Math.Max(reserveFraction, AddDispatchable(unit, scenario.Time, gensets, batteries));
                    break;
            }
        }
        var evs = units.OfType<EvUnit>().Select(ev => new OptimalEv(ev.Id, ev.BatteryKwh, ev.ChargerKw, ev.V2gKw, ev.ChargeEfficiency,
            new ElectricVehicle(ev.BatteryKwh, ev.ChargerKw, ev.ChargeEfficiency, ev.V2gKw).DischargeEfficiency,
            series.Sessions(ev).Select(s => s.Actual).ToList())).ToList();
        var jobs = units.OfType<FlexibleLoadUnit>().SelectMany(flexible => series.Jobs(flexible)
            .Select(job => new OptimalJob(flexible.Id, job.EnergyKwh, job.MaxPowerKw, job.WindowStartSlot, job.WindowEndSlot))).ToList();
        var largestUnit = scenario.Units.OfType<SlackUnit>().Any(s => s.Operation?.ReserveLargestUnit == true);
        return new IslandProblem(slots, scenario.Time.SlotLength.TotalHours, renewable, load, gensets, batteries, evs, jobs,
            lossFactor, reserveFraction, (double)scenario.Market.PriceCap, LargestInfeedKw: largestUnit ? largestInfeed : null);
    }

    /// <summary>
    /// Adds the slack or battery to the problem's gensets or batteries, with the scenario's island-operation keys
    /// (battery <c>grid_forming</c>, <c>soc_reserve</c>; genset <c>min_up_minutes</c>, <c>min_down_minutes</c>,
    /// <c>start_fuel</c>, <c>reserve_fraction</c>), and returns the reserve fraction it asks for.
    /// </summary>
    private static double AddDispatchable(UnitSpec unit, ScenarioTime time, List<OptimalGenset> gensets, List<OptimalBattery> batteries)
    {
        switch (unit)
        {
            case BatteryUnit battery:
                var reserveSoc = battery.GridForming?.SocReserve ?? battery.SocMin;
                batteries.Add(new OptimalBattery(battery.Id, battery.ChargeKw, battery.DischargeKw, battery.ChargeEfficiency, battery.DischargeEfficiency,
                    battery.SocMin * battery.CapacityKwh, battery.SocMax * battery.CapacityKwh, battery.SocInitial * battery.CapacityKwh,
                    GridForming: battery.GridForming is not null, reserveSoc * battery.CapacityKwh));
                return 0.0;
            case SlackUnit { Technology: SlackTechnology.Battery } slack:
                // The over-sized battery slack forms the grid by itself, as the simulation's SlackAgent models it.
                var capacity = slack.CapacityKwh ?? throw new ArgumentException($"unit {slack.Id}: a battery slack needs capacity_kwh");
                batteries.Add(new OptimalBattery(slack.Id, slack.RatedPowerKw, slack.RatedPowerKw, 0.95, 0.95,
                    0.05 * capacity, 0.95 * capacity, (slack.SocInitial ?? 0.5) * capacity, GridForming: true, 0.05 * capacity));
                return 0.1;
            case SlackUnit slack:
                var genset = slack.Genset!;
                if (genset.Fuel.QuadraticPerKw2 != 0)
                {
                    throw new ArgumentException($"unit {slack.Id}: the optimal reference takes linear fuel curves only");
                }
                var operation = slack.Operation ?? throw new ArgumentException($"unit {slack.Id}: a genset without its commitment keys");
                gensets.Add(new OptimalGenset(slack.Id, genset.RatedKw, genset.MinimumStableKw, genset.Fuel, (double)slack.FuelPrice, operation.StartFuel,
                    Slots(operation.MinUpMinutes, time), Slots(operation.MinDownMinutes, time)));
                return operation.ReserveFraction;
            default:
                throw new ArgumentException($"unit {unit.Id}: not a dispatchable unit");
        }
    }

    /// <summary>A duration in whole slots, rounded up: a minimum time is never shortened.</summary>
    private static int Slots(int minutes, ScenarioTime time) => (minutes + time.SlotMinutes - 1) / time.SlotMinutes;

    private static void Add(double[] total, double[] series, int firstSlot)
    {
        for (var slot = 0; slot < total.Length; slot++)
        {
            total[slot] += series[slot - firstSlot];
        }
    }

    /// <summary>Adds a generating unit's series to the total and keeps the largest single unit per slot.</summary>
    private static void Add(double[] total, double[] largest, double[] series, int firstSlot)
    {
        Add(total, series, firstSlot);
        for (var slot = 0; slot < largest.Length; slot++)
        {
            largest[slot] = Math.Max(largest[slot], series[slot - firstSlot]);
        }
    }
}
