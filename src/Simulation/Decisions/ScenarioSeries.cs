using MicroMarket.Grid.Profiles;
using MicroMarket.Grid.Units;
using MicroMarket.Simulation.Decisions.Units;
using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation.Decisions;

/// <summary>
/// What actually happens to the scenario's uncontrollable side over the run, from the scenario and its seed alone:
/// PV and wind available power, household demand, EV plug-in sessions and flexible jobs. The agents get exactly
/// these (<see cref="UnitAgentFactory"/> builds them here), and so does the optimal reference, so both see one island.
/// The power series cover <see cref="FirstSlot"/> (one day before the first delivery day, when day-ahead forecasts
/// are issued) for <see cref="Length"/> slots (to one day past the last, as a plan may look beyond midnight).
/// </summary>
public sealed class ScenarioSeries(Scenario scenario, SimulationCalendar calendar)
{
    private int SlotsPerDay => calendar.SlotsPerDay;

    private TimeSpan SlotLength => calendar.SlotLength;

    /// <summary>The slot index 0 of every power series stands for (negative: the day before delivery).</summary>
    public int FirstSlot => -SlotsPerDay;

    public int Length => (calendar.Days + 2) * SlotsPerDay;

    /// <summary>The series as the simulation sees them, with a calendar of its own (for callers that run no simulation).</summary>
    public static ScenarioSeries Of(Scenario scenario) =>
        new(scenario, new SimulationCalendar(scenario.Time, scenario.Market, null, BalanceResponsibleParty.Of(scenario)));

    /// <summary>Available AC power of a PV unit (after its inverter), kW, indexed from <see cref="FirstSlot"/>.</summary>
    public double[] Pv(PvUnit pv)
    {
        var system = new PvSystem(pv.PeakKw, pv.InverterKw);
        var potential = pv.Resource switch
        {
            ClearSkyPvResource sky => ClearSkyPv.Generate(
                new PvSite(sky.LatitudeDeg, sky.LongitudeDeg, sky.TiltDeg, sky.AzimuthDeg),
                calendar.SlotStartUtc(FirstSlot).UtcDateTime, SlotLength, Length,
                new CloudModel(StableSeed.Random(scenario.Streams.Weather, "clouds:" + pv.Id), sky.CloudinessMean, sky.CloudinessPersistence)).Values.ToArray(),
            var resource => Sample(ResourceSeries.Pv(resource, calendar.Time) ?? throw new ArgumentException($"unit {pv.Id}: unknown PV resource"), pv.Wrap),
        };
        return potential.Select(p => system.Output(p).PowerKw).ToArray();
    }

    /// <summary>Available power of a wind turbine, kW, indexed from <see cref="FirstSlot"/>.</summary>
    public double[] Wind(WindUnit wind)
    {
        var (speeds, heightM, roughnessM) = ResourceSeries.Wind(wind.Resource, calendar.Time);
        var curve = wind.PowerCurveTable is { Count: > 0 } table
            ? PowerCurve.FromTable(table.Select(p => p.SpeedMs).ToList(), table.Select(p => p.PowerKw).ToList())
            : PowerCurve.Parametric(wind.RatedPowerKw, wind.CutInMs, wind.RatedMs, wind.CutOutMs);
        var shear = roughnessM is { } z0 ? WindShear.LogLaw(heightM, wind.HubHeightM, z0) : new WindShear(heightM, wind.HubHeightM);
        var turbine = new WindTurbine(curve, shear);
        return Sample(speeds, wind.Wrap).Select(v => turbine.Output(v).PowerKw).ToArray();
    }

    /// <summary>
    /// Household demand, kW, indexed from <see cref="FirstSlot"/>. The IEEE feeder's profiles are one day each; on
    /// day k of a run a household follows profile n + k (wrapping at 100, which the loader allows only with wrap: true),
    /// so every day is a different real day while the fleet keeps its diversity. A file or a year profile is read as
    /// <see cref="ResourceSeries"/> says.
    /// </summary>
    public double[] Load(LoadUnit load)
    {
        if (ResourceSeries.Load(load.Id, load.Profile, load.Scale, scenario.Streams.Behaviour, calendar.Time) is { } series)
        {
            return Sample(series, load.Wrap);
        }
        var number = load.Profile.IeeeProfile ?? throw new ArgumentException($"unit {load.Id}: a load needs a profile");
        var profiles = new Dictionary<int, HouseholdLoad>();
        return ExogenousSeries.Sample(FirstSlot, Length, slot =>
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

    /// <summary>
    /// An EV's daily sessions over the delivery days: as its owner announced them (Expected) and as they happen
    /// (Actual: the arrival jittered, seeded per unit, day and session).
    /// </summary>
    public IReadOnlyList<(EvSession Expected, EvSession Actual)> Sessions(EvUnit ev)
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
                var jitter = StableSeed.Random(scenario.Streams.Behaviour, $"arrival:{ev.Id}:{day}:{k}").Next(-spec.ArrivalJitterMinutes, spec.ArrivalJitterMinutes + 1);
                var actualArrival = Math.Clamp(arrival + (int)Math.Round(jitter / (double)calendar.Time.SlotMinutes), dayStart, departure - 1);
                var arrivalEnergy = spec.ArrivalSoc * ev.BatteryKwh;
                sessions.Add((new EvSession(arrival, departure, spec.EnergyKwh, arrivalEnergy), new EvSession(actualArrival, departure, spec.EnergyKwh, arrivalEnergy)));
            }
        }
        return sessions;
    }

    /// <summary>A flexible load's job of each delivery day.</summary>
    public IReadOnlyList<FlexibleLoad> Jobs(FlexibleLoadUnit flexible) =>
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

    /// <summary>The series over [FirstSlot, FirstSlot + Length).</summary>
    private double[] Sample(ResourceSeries series, bool wrap) => series.Sample(calendar.Time, FirstSlot, Length, wrap);

    private int SlotOf(TimeOnly time) => (int)(time.ToTimeSpan().TotalMinutes / calendar.Time.SlotMinutes);
}
