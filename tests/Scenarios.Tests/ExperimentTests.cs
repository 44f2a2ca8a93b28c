using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Experiments;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Scenarios.Tests;

/// <summary>Experiment files: levels from cases and a grid, seeds per stream, every run's scenario bound as run binds it, every error located.</summary>
public sealed class ExperimentTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public ExperimentTests() => _scratch.Write("base.yaml", File.ReadAllText(Shipped.Path("quickstart.yaml")));

    public void Dispose() => _scratch.Dispose();

    private Experiment Load(string yaml) => ExperimentLoader.Load(_scratch.Write("experiment.yaml", yaml));

    private IReadOnlyList<ScenarioError> Errors(string yaml) =>
        Assert.Throws<ScenarioValidationException>(() => Load(yaml)).Errors;

    [Fact]
    public void A_grid_times_the_seeds_gives_one_run_per_level_and_seed_each_scenario_overridden()
    {
        var experiment = Load("""
            scenario: base.yaml
            grid:
              units[battery].capacity_kwh: [10, 20, 40]
              market.imbalance.penalty_percent: [20, 50]
            seeds: { seed: 2 }
            kpis: [self_sufficiency, day_ahead_price.mean]
            """);

        Assert.Equal(["units[battery].capacity_kwh", "market.imbalance.penalty_percent"], experiment.Overrides);
        Assert.Equal(6, experiment.Levels.Count);
        Assert.Equal(12, experiment.Runs.Count);
        Assert.Equal("capacity_kwh-40_penalty_percent-50_seed-2", experiment.Runs[^1].Id);
        var last = experiment.Runs[^1].Scenario;
        Assert.Equal(40, last.Units.OfType<BatteryUnit>().Single(u => u.Id == "battery").CapacityKwh);
        Assert.Equal(50m, last.Market.ImbalancePenaltyPercent);
        Assert.Equal((2, SeedStreams.All(2)), (last.Seed, last.Streams));
        Assert.Equal([1, 2], experiment.Runs.Where(r => r.Level == 0).Select(r => r.Seeds.Single()));
        Assert.Equal(0, experiment.BaselineLevel);
        Assert.Equal(["self_sufficiency", "day_ahead_price.mean"], experiment.Kpis);
    }

    [Fact]
    public void A_stream_can_be_held_while_the_seed_varies_the_others()
    {
        var experiment = Load("""
            scenario: base.yaml
            cases:
              - units[battery].capacity_kwh: 10
              - units[battery].capacity_kwh: 30
            baseline: { "units[battery].capacity_kwh": 30 }
            seeds: { weather: [7], seed: [3, 4] }
            """);

        Assert.Equal(["weather", "seed"], experiment.VariedSeeds);
        Assert.Equal(1, experiment.BaselineLevel);
        Assert.All(experiment.Runs, r => Assert.Equal(7, r.Scenario.Streams.Weather));
        Assert.Equal([3, 4, 3, 4], experiment.Runs.Select(r => r.Scenario.Streams.Behaviour));
        Assert.Equal("capacity_kwh-10_weather-7_seed-4", experiment.Runs[1].Id);
        Assert.Equal(KpiValues.Keys, experiment.Kpis);
    }

    [Fact]
    public void Every_error_is_reported_at_once_where_it_is_in_the_experiment()
    {
        var errors = Errors("""
            scenario: base.yaml
            grid:
              units[batery].capacity_kwh: [10]
              units[battery].capacity_kwh: [10, -5]
              market..cap: [1]
            seeds: { seeed: 2, weather: many }
            kpis: [self_sufficency]
            extra: 1
            """);

        Assert.Contains(errors, e => e.Path == "units[batery].capacity_kwh" && e.Message.Contains("no item with id 'batery'", StringComparison.Ordinal) && e.Line == 3);
        Assert.True(errors.Any(e => e.Path == "units[battery].capacity_kwh" && e.Line == 4 && e.Column == 37 && e.File.EndsWith("experiment.yaml", StringComparison.Ordinal)), string.Join("\n", errors));
        Assert.Contains(errors, e => e.Path == "grid.market..cap" && e.Message.Contains("is not a field path", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "seeds.seeed" && e.Message.Contains("did you mean 'seed'?", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "seeds.weather" && e.Message.Contains("[1, 1000]", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "kpis[0]" && e.Message.Contains("did you mean 'self_sufficiency'?", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "extra" && e.Message.StartsWith("unknown key", StringComparison.Ordinal));
    }

    [Fact]
    public void A_baseline_must_name_exactly_one_level_and_seeds_are_not_overrides()
    {
        var errors = Errors("""
            scenario: base.yaml
            grid:
              units[battery].capacity_kwh: [10, 20]
              market.price_cap: [2, 3]
            baseline:
              units[battery].capacity_kwh: 10
            cases: [ { seed: 4 } ]
            """);

        Assert.Contains(errors, e => e.Path == "baseline" && e.Message.Contains("matches 2 levels", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "cases[0].seed" && e.Message.Contains("under seeds:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_scenario_and_too_many_runs_are_refused()
    {
        Assert.Contains(Errors("scenario: nope.yaml\n"), e => e.Path == "scenario" && e.Message.StartsWith("file not found", StringComparison.Ordinal));
        Assert.Contains(Errors("scenario: base.yaml\nseeds: { seed: 1000, weather: 11 }\n"), e => e.Message.Contains("more than 10000 runs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_naming_a_scenario_is_an_experiment_and_a_scenario_is_not()
    {
        Assert.True(ExperimentLoader.IsExperiment(_scratch.Write("e.yaml", "scenario: base.yaml\n")));
        Assert.False(ExperimentLoader.IsExperiment(Shipped.Path("quickstart.yaml")));
    }

    [Fact]
    public void The_shipped_community_battery_experiment_runs_without_the_battery_and_with_two_sizes_over_ten_seeds()
    {
        var experiment = ExperimentLoader.Load(Path.Combine(Shipped.Folder, "experiments", "community-battery.yaml"));

        Assert.Equal((3, 30, 0), (experiment.Levels.Count, experiment.Runs.Count, experiment.BaselineLevel));
        Assert.Equal("community-battery-none", experiment.Levels[0].Name);
        Assert.All(experiment.Runs.Where(r => r.Level == 0), r => Assert.DoesNotContain(r.Scenario.Units, u => u.Id == "community-battery"));
        Assert.All(experiment.Runs.Where(r => r.Level == 2), r => Assert.Equal(100, r.Scenario.Units.OfType<BatteryUnit>().Single().CapacityKwh));
        Assert.Equal(20, experiment.Runs[0].Scenario.Units.OfType<ProsumerUnit>().Count());
    }

    [Fact]
    public void A_null_value_removes_a_field_so_its_default_applies()
    {
        var experiment = Load("""
            scenario: base.yaml
            cases: [ { market.price_cap: ~ } ]
            """);

        Assert.Equal(ScenarioLoader.Load(_scratch.Write("nocap.yaml", File.ReadAllText(Shipped.Path("quickstart.yaml")).Replace("  price_cap: 3.0\n", "", StringComparison.Ordinal))).Market.PriceCap,
            experiment.Runs.Single().Scenario.Market.PriceCap);
        Assert.Equal("price_cap-none", experiment.Runs.Single().Id);
    }

    [Fact]
    public void Fields_that_end_alike_are_named_by_as_many_keys_as_tell_them_apart()
    {
        var experiment = Load("""
            scenario: base.yaml
            grid:
              units[house-1].scale: [1.1]
              units[house-2].scale: [0.9]
              market.price_cap: [2]
            """);

        Assert.Equal("units-house-1-.scale-1.1_units-house-2-.scale-0.9_price_cap-2", experiment.Levels.Single().Name);
    }

    [Theory]
    [InlineData("community-battery.yaml", 30)]
    [InlineData("local-market-price.yaml", 36)]
    public void Every_shipped_experiment_loads_with_every_run_bound(string file, int runs)
    {
        var experiment = ExperimentLoader.Load(Path.Combine(Shipped.Folder, "experiments", file));

        Assert.Equal(runs, experiment.Runs.Count);
        Assert.Equal(runs, experiment.Runs.Select(r => r.Id).Distinct().Count());
    }
}
