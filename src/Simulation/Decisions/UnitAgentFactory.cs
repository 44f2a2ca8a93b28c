using MicroMarket.Simulation.Decisions.Units;
using MicroMarket.Simulation;
using MicroMarket.Grid.Model;
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

    /// <summary>The actuals the agents get: one code with the optimal reference's.</summary>
    private readonly ScenarioSeries _series = new(scenario, calendar);

    /// <summary>The price takers created so far: community batteries plan on their forecasts once bidding starts, when all are.</summary>
    private readonly List<IPublicNetForecast> _priceTakers = [];

    private TimeSpan SlotLength => calendar.SlotLength;

    private double Hours => SlotLength.TotalHours;

    public IReadOnlyList<IUnitAgent> CreateAll()
    {
        var agents = scenario.Units.Select(Create).ToList();
        if (scenario.Mode is GridConnectedMode grid)
        {
            agents.Add(GridSupplier(grid));
        }
        return agents;
    }

    /// <summary>The unit's agent; a price taker's (or a prosumer's) forecast joins the feeder's public outlook.</summary>
    public IUnitAgent Create(UnitSpec spec)
    {
        var agent = Build(spec);
        if (agent is IPublicNetForecast forecast)
        {
            _priceTakers.Add(forecast);
        }
        return agent;
    }

    /// <summary>An agent, not yet public: a prosumer's members are built with this, their forecast being the prosumer's.</summary>
    private IUnitAgent Build(UnitSpec spec) => spec switch
    {
        PvUnit pv => PriceTaker(pv, UnitKind.Pv, _series.Pv(pv), producer: true, pv.InverterKw, 1.0),
        WindUnit wind => PriceTaker(wind, UnitKind.Wind, _series.Wind(wind), producer: true, wind.RatedPowerKw, 1.0),
        LoadUnit load => PriceTaker(load, UnitKind.Load, _series.Load(load), producer: false, Math.Max(load.PeakKw, 1.0), load.PowerFactor),
        BatteryUnit battery => Storage(battery),
        EvUnit ev => new EvAgent(ev, new ElectricVehicle(ev.BatteryKwh, ev.ChargerKw, ev.ChargeEfficiency, ev.V2gKw),
            Strategy<EvChargingStrategy>(ev), _series.Sessions(ev), Rating(ev.RatedKw), SlotLength),
        FlexibleLoadUnit flexible => new FlexibleLoadAgent(flexible, _series.Jobs(flexible), Strategy<FlexibleShiftStrategy>(flexible), Ties(flexible), Rating(flexible.RatedKw), SlotLength),
        SlackUnit slack => Slack(slack),
        ProsumerUnit prosumer => Prosumer(prosumer),
        _ => throw new ArgumentException($"unit {spec.Id}: no agent for {spec.GetType().Name}"),
    };

    private static Battery BatteryOf(BatteryUnit battery) =>
        new(battery.CapacityKwh, battery.ChargeKw, battery.DischargeKw, battery.ChargeEfficiency, battery.DischargeEfficiency, battery.SocMin, battery.SocMax);

    /// <summary>
    /// A prosumer's members are agents of their own kinds behind its meter. The EV and the appliances plan without demand
    /// response: behind one meter there is no one to sell a shift to, and an offer the household always took would push
    /// every charge to the last hour.
    /// </summary>
    private ProsumerAgent Prosumer(ProsumerUnit prosumer)
    {
        var selfConsumption = prosumer.Battery is { Strategy: SelfConsumptionStrategy } home ? home : null;
        IEnumerable<UnitSpec> planners = [
            .. prosumer.Ev is { } ev ? [ev with { Strategy = Strategy<EvChargingStrategy>(ev) with { OfferDemandResponse = false } }] : Array.Empty<UnitSpec>(),
            .. prosumer.Flexible.Select(f => f with { Strategy = Strategy<FlexibleShiftStrategy>(f) with { OfferDemandResponse = false } }),
            .. prosumer.Battery is { Strategy: ArbitrageStrategy } arbitrage ? [arbitrage] : Array.Empty<UnitSpec>()];
        return new ProsumerAgent(prosumer,
            (PriceTakerAgent)Build(prosumer.Load),
            prosumer.Pv is { } pv ? (PriceTakerAgent)Build(pv) : null,
            selfConsumption is null ? null : (BatteryOf(selfConsumption), selfConsumption.SocInitial),
            [.. planners.Select(Build)],
            Rating(prosumer.RatedKw), SlotLength);
    }

    private PriceTakerAgent PriceTaker(UnitSpec spec, UnitKind kind, double[] actualKw, bool producer, double capacityKw, double powerFactor)
    {
        var series = new ExogenousSeries(actualKw, _series.FirstSlot, spec.Forecast, SlotLength, StableSeed.Of(scenario.Streams.Forecast, "forecast:" + spec.Id), capacityKw);
        // A household's meter is sized for its peak, at least 10 kW, as a supply fuse would be.
        var ratingKw = producer ? capacityKw : Math.Max(10.0, capacityKw);
        return new PriceTakerAgent(spec, kind, series, producer, Strategy<PriceTakerStrategy>(spec).Price, Rating(ratingKw), powerFactor, Hours);
    }

    private BatteryAgent Storage(BatteryUnit spec)
    {
        var battery = BatteryOf(spec);
        IStoragePolicy policy = spec.Strategy switch
        {
            CommunityStrategy community => Community(spec, battery, community),
            _ => new ArbitragePolicy(battery, Hours, Strategy<ArbitrageStrategy>(spec)),
        };
        return new BatteryAgent(spec, battery, policy, Rating(spec.RatedKw), SlotLength);
    }

    /// <summary>A community battery takes its share of the feeder's surplus by charge power and of its deficit by discharge power among the community batteries.</summary>
    private CommunityPolicy Community(BatteryUnit spec, Battery battery, CommunityStrategy strategy)
    {
        var community = scenario.Units.OfType<BatteryUnit>().Where(b => b.Strategy is CommunityStrategy).ToList();
        return new CommunityPolicy(battery, SlotLength, strategy, BalanceResponsibleParty.Of(scenario), new FeederOutlook(_priceTakers),
            spec.ChargeKw / community.Sum(b => b.ChargeKw), spec.DischargeKw / community.Sum(b => b.DischargeKw));
    }

    private T Strategy<T>(UnitSpec spec) where T : StrategySpec =>
        spec.Strategy as T ?? throw new ArgumentException($"unit {spec.Id}: strategy {spec.Strategy.GetType().Name} does not fit a {spec.GetType().Name}");

    private TieBreaker Ties(UnitSpec spec) => new(StableSeed.Of(scenario.Streams.Behaviour, "ties:" + spec.Id));

    private long Rating(double ratedKw) => (long)Math.Ceiling(ratedKw * MeterHeadroom * Hours * 1000) + 1;

    private SlackAgent Slack(SlackUnit slack)
    {
        var strategy = Strategy<MarginalCostStrategy>(slack);
        return slack.Genset is { } genset
            ? new SlackAgent(slack, genset, null, strategy, Rating(slack.RatedKw), SlotLength)
            : new SlackAgent(slack, null,
                new Battery(slack.CapacityKwh ?? throw new ArgumentException($"unit {slack.Id}: a battery slack needs capacity_kwh"), slack.RatedPowerKw, slack.RatedPowerKw, 0.95, 0.95, 0.05, 0.95),
                strategy, Rating(slack.RatedKw), SlotLength);
    }

    private GridSupplierAgent GridSupplier(GridConnectedMode mode)
    {
        var transformerKva = network.Transformers.Sum(t => t.RatedKva);
        var capacityKw = mode.CapacityKw ?? (transformerKva > 0 ? transformerKva : 250.0);
        var spec = new GridSupplierSpec(network.Source.Bus, capacityKw);
        // Physically the feeder may draw more than the supplier offers: rate the meter at the transformer's limit, twice over.
        return new GridSupplierAgent(spec, BalanceResponsibleParty.Of(scenario).At, capacityKw, Rating(2 * Math.Max(capacityKw, transformerKva)), SlotLength);
    }
}

/// <summary>The implicit upstream supplier of a grid-connected scenario, at the feeder's source bus.</summary>
public sealed record GridSupplierSpec(string SourceBus, double CapacityKw)
    : UnitSpec(Scenario.GridUnitId, SourceBus, PhaseConnection.Abc, null, new PriceTakerStrategy(0), new ForecastSpec(0, 0, "capacity", "normal", 0))
{
    public override double RatedKw => CapacityKw;
}
