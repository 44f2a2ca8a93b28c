using MicroMarket.Simulation.Decisions.Units;
using MicroMarket.Simulation;
using MicroMarket.Grid.Model;
using MicroMarket.Grid.Profiles;
using MicroMarket.Grid.Units;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation.Decisions;

/// <summary>
/// Builds every unit's agent from the scenario: its physical model (MicroMarket.Grid), its actual
/// series over the run and its forecaster (seeded from the scenario seed and the unit id), and its
/// strategy. In grid-connected mode the upstream supplier is added as unit <see cref="Scenario.GridUnitId"/>.
/// </summary>
public sealed class UnitAgentFactory(Scenario scenario, Network network, SimulationCalendar calendar)
{
    /// <summary>Meters are rated with headroom over the unit's own rating, so a reading never exceeds it.</summary>
    private const double MeterHeadroom = 1.5;

    private int SlotsPerDay => calendar.SlotsPerDay;

    private TimeSpan SlotLength => calendar.SlotLength;

    private double Hours => SlotLength.TotalHours;

    /// <summary>The series cover one day before the first delivery day and one after the last.</summary>
    private int FirstSlot => -SlotsPerDay;

    private int SeriesLength => (calendar.Days + 2) * SlotsPerDay;

    public IReadOnlyList<IUnitAgent> CreateAll()
    {
        var agents = scenario.Units.Select(Create).ToList();
        if (scenario.Mode is GridConnectedMode grid)
        {
            agents.Add(GridSupplier(grid));
        }
        return agents;
    }

    public IUnitAgent Create(UnitSpec spec) => spec switch
    {
        PvUnit pv => PriceTaker(pv, UnitKind.Pv, PvSeries(pv), producer: true, pv.InverterKw, 1.0),
        WindUnit wind => PriceTaker(wind, UnitKind.Wind, WindSeries(wind), producer: true, wind.RatedPowerKw, 1.0),
        LoadUnit load => PriceTaker(load, UnitKind.Load, LoadSeries(load), producer: false, Math.Max(load.PeakKw, 1.0), load.PowerFactor),
        BatteryUnit battery => new BatteryAgent(battery,
            new Battery(battery.CapacityKwh, battery.ChargeKw, battery.DischargeKw, battery.ChargeEfficiency, battery.DischargeEfficiency, battery.SocMin, battery.SocMax),
            Strategy<ArbitrageStrategy>(battery), Rating(battery.RatedKw), SlotLength),
        EvUnit ev => new EvAgent(ev, new ElectricVehicle(ev.BatteryKwh, ev.ChargerKw, ev.ChargeEfficiency, ev.V2gKw),
            Strategy<EvChargingStrategy>(ev), Sessions(ev), Rating(ev.RatedKw), SlotLength),
        FlexibleLoadUnit flexible => new FlexibleLoadAgent(flexible, Jobs(flexible), Strategy<FlexibleShiftStrategy>(flexible), Rating(flexible.RatedKw), SlotLength),
        SlackUnit slack => Slack(slack),
        _ => throw new ArgumentException($"unit {spec.Id}: no agent for {spec.GetType().Name}"),
    };

    private PriceTakerAgent PriceTaker(UnitSpec spec, UnitKind kind, double[] actualKw, bool producer, double capacityKw, double powerFactor)
    {
        var series = new ExogenousSeries(actualKw, FirstSlot, spec.Forecast, SlotLength, StableSeed.Of(scenario.Seed, "forecast:" + spec.Id), capacityKw);
        // A household's meter is sized for its peak, at least 10 kW, as a supply fuse would be.
        var ratingKw = producer ? capacityKw : Math.Max(10.0, capacityKw);
        return new PriceTakerAgent(spec, kind, series, producer, Strategy<PriceTakerStrategy>(spec).Price, Rating(ratingKw), powerFactor, Hours);
    }

    private T Strategy<T>(UnitSpec spec) where T : StrategySpec =>
        spec.Strategy as T ?? throw new ArgumentException($"unit {spec.Id}: strategy {spec.Strategy.GetType().Name} does not fit a {spec.GetType().Name}");

    private long Rating(double ratedKw) => (long)Math.Ceiling(ratedKw * MeterHeadroom * Hours * 1000) + 1;

    private double[] PvSeries(PvUnit pv)
    {
        var system = new PvSystem(pv.PeakKw, pv.InverterKw);
        var potential = pv.Resource switch
        {
            MeasuredPvResource measured => Cyclic(MeasuredPv.SerfEast15Minute().Aggregate(SlotLength), measured.DayOffset),
            ClearSkyPvResource sky => ClearSkyPv.Generate(
                new PvSite(sky.LatitudeDeg, sky.LongitudeDeg, sky.TiltDeg, sky.AzimuthDeg),
                calendar.SlotStartUtc(FirstSlot).UtcDateTime, SlotLength, SeriesLength,
                new CloudModel(StableSeed.Random(scenario.Seed, "clouds:" + pv.Id), sky.CloudinessMean, sky.CloudinessPersistence)).Values.ToArray(),
            FilePvResource file => Cyclic(ProfileCsv.Read(file.FilePath, "kW/kWp").Aggregate(SlotLength), 0),
            _ => throw new ArgumentException($"unit {pv.Id}: unknown PV resource"),
        };
        return potential.Select(p => system.Output(p).PowerKw).ToArray();
    }

    private double[] WindSeries(WindUnit wind)
    {
        var (speeds, heightM) = wind.Resource switch
        {
            { MeasuredSeries: "beresford" } => (MeasuredWind.Beresford().SpeedMs, MeasuredWind.Beresford().MeasurementHeightM),
            { MeasuredSeries: "fergus" } => (MeasuredWind.Fergus().SpeedMs, MeasuredWind.Fergus().MeasurementHeightM),
            { FilePath: { } path } => (ProfileCsv.Read(path, "m/s"), wind.Resource.FileHeightM ?? 10.0),
            _ => throw new ArgumentException($"unit {wind.Id}: unknown wind resource"),
        };
        var curve = wind.PowerCurveTable is { Count: > 0 } table
            ? PowerCurve.FromTable(table.Select(p => p.SpeedMs).ToList(), table.Select(p => p.PowerKw).ToList())
            : PowerCurve.Parametric(wind.RatedPowerKw, wind.CutInMs, wind.RatedMs, wind.CutOutMs);
        var turbine = new WindTurbine(curve, new WindShear(heightM, wind.HubHeightM));
        return Cyclic(speeds.Aggregate(SlotLength), wind.Resource.DayOffset).Select(v => turbine.Output(v).PowerKw).ToArray();
    }

    /// <summary>
    /// Household demand. The IEEE feeder's profiles are one day each; on day k of a run a household
    /// follows profile n + k (wrapping at 100), so every day is a different real day while the fleet
    /// keeps its diversity. A user's file repeats as it is.
    /// </summary>
    private double[] LoadSeries(LoadUnit load)
    {
        if (load.Profile.FilePath is { } path)
        {
            var profile = ProfileCsv.Read(path, "kW").Aggregate(SlotLength);
            return Cyclic(profile, 0).Select(kw => kw * load.Scale).ToArray();
        }
        var number = load.Profile.IeeeProfile ?? throw new ArgumentException($"unit {load.Id}: a load needs a profile");
        var profiles = new Dictionary<int, HouseholdLoad>();
        return ExogenousSeries.Sample(FirstSlot, SeriesLength, slot =>
        {
            var day = Math.Max(0, (int)Math.Floor(slot / (double)SlotsPerDay));
            var n = (number - 1 + day) % LoadProfiles.Count + 1;
            if (!profiles.TryGetValue(n, out var household))
            {
                profiles[n] = household = HouseholdLoad.FromIeeeProfile(n, SlotLength, load.Scale, load.PowerFactor);
            }
            return household.DemandKw(((slot % SlotsPerDay) + SlotsPerDay) % SlotsPerDay);
        });
    }

    /// <summary>The series over [FirstSlot, FirstSlot + SeriesLength), starting <paramref name="dayOffset"/> days into the record.</summary>
    private double[] Cyclic(TimeSeries series, int dayOffset) =>
        ExogenousSeries.Sample(FirstSlot, SeriesLength, slot => series.Cyclic(slot + SlotsPerDay + dayOffset * SlotsPerDay));

    private List<(EvSession, EvSession)> Sessions(EvUnit ev)
    {
        var sessions = new List<(EvSession, EvSession)>();
        for (var day = 0; day < calendar.Days; day++)
        {
            foreach (var (spec, k) in ev.Sessions.Select((s, k) => (s, k)))
            {
                var dayStart = day * SlotsPerDay;
                var arrival = dayStart + SlotOf(spec.Arrive);
                var departure = dayStart + SlotOf(spec.Depart);
                if (departure <= arrival)
                {
                    departure += SlotsPerDay;
                }
                var jitter = StableSeed.Random(scenario.Seed, $"arrival:{ev.Id}:{day}:{k}").Next(-spec.ArrivalJitterMinutes, spec.ArrivalJitterMinutes + 1);
                var actualArrival = Math.Clamp(arrival + (int)Math.Round(jitter / (double)calendar.Time.SlotMinutes), dayStart, departure - 1);
                var arrivalEnergy = spec.ArrivalSoc * ev.BatteryKwh;
                sessions.Add((new EvSession(arrival, departure, spec.EnergyKwh, arrivalEnergy), new EvSession(actualArrival, departure, spec.EnergyKwh, arrivalEnergy)));
            }
        }
        return sessions;
    }

    private List<FlexibleLoad> Jobs(FlexibleLoadUnit flexible) =>
        Enumerable.Range(0, calendar.Days).Select(day =>
        {
            var start = day * SlotsPerDay + SlotOf(flexible.WindowStart);
            var end = day * SlotsPerDay + SlotOf(flexible.WindowEnd);
            if (end <= start)
            {
                end += SlotsPerDay;
            }
            int? preferred = flexible.PreferredStart is { } p ? day * SlotsPerDay + SlotOf(p) : null;
            return new FlexibleLoad(flexible.EnergyKwh, start, end, flexible.PowerKw, SlotLength, preferred);
        }).ToList();

    private SlackAgent Slack(SlackUnit slack)
    {
        var strategy = Strategy<MarginalCostStrategy>(slack);
        return slack.Technology switch
        {
            SlackTechnology.Diesel => new SlackAgent(slack, Genset.Diesel(slack.RatedPowerKw, slack.MinStableFraction), null, strategy, Rating(slack.RatedKw), SlotLength),
            SlackTechnology.Chp => new SlackAgent(slack, Genset.Chp(slack.RatedPowerKw, minimumStableFraction: slack.MinStableFraction), null, strategy, Rating(slack.RatedKw), SlotLength),
            _ => new SlackAgent(slack, null,
                new Battery(slack.CapacityKwh ?? throw new ArgumentException($"unit {slack.Id}: a battery slack needs capacity_kwh"), slack.RatedPowerKw, slack.RatedPowerKw, 0.95, 0.95, 0.05, 0.95),
                strategy, Rating(slack.RatedKw), SlotLength),
        };
    }

    private GridSupplierAgent GridSupplier(GridConnectedMode mode)
    {
        var transformerKva = network.Transformers.Sum(t => t.RatedKva);
        var capacityKw = mode.CapacityKw ?? (transformerKva > 0 ? transformerKva : 250.0);
        var spec = new GridSupplierSpec(network.Source.Bus, capacityKw);
        // Physically the feeder may draw more than the supplier offers: rate the meter at the transformer's limit, twice over.
        return new GridSupplierAgent(spec, mode, capacityKw, Rating(2 * Math.Max(capacityKw, transformerKva)), SlotLength);
    }

    private int SlotOf(TimeOnly time) => (int)(time.ToTimeSpan().TotalMinutes / calendar.Time.SlotMinutes);
}

/// <summary>The implicit upstream supplier of a grid-connected scenario, at the feeder's source bus.</summary>
public sealed record GridSupplierSpec(string SourceBus, double CapacityKw)
    : UnitSpec(Scenario.GridUnitId, SourceBus, PhaseConnection.Abc, null, new PriceTakerStrategy(0), new ForecastSpec(0, 0, "capacity", "normal", 0))
{
    public override double RatedKw => CapacityKw;
}
