using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MicroMarket.Scenarios.Tests;

/// <summary>scenarios/scenario.schema.json, as an editor applies it: the shipped files pass, broken ones fail.</summary>
public sealed partial class SchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromFile(Shipped.Path("scenario.schema.json"));

    public static TheoryData<string> ShippedFiles => [.. Shipped.ScenarioFiles];

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void A_shipped_scenario_satisfies_the_schema(string file)
    {
        AssertValid(File.ReadAllText(Shipped.Path(file)));
    }

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void A_resolved_scenario_satisfies_the_schema(string file)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        ScenarioWriter.WriteResolved(ScenarioLoader.Load(Shipped.Path(file)), text);

        AssertValid(text.ToString());
    }

    [Theory]
    [InlineData("capcity_kwh: 20", "an unknown key")]
    [InlineData("capacity_kwh: ten", "a word for a number")]
    [InlineData("capacity_kwh: -20", "a negative capacity")]
    [InlineData("phase: D", "an unknown phase")]
    [InlineData("strategy: { kind: price-taker, price: 0.1 }", "a strategy of another unit kind")]
    [InlineData("soc: { initial: 1.5 }", "a state of charge above 1")]
    [InlineData("id: grid", "the supplier's id")]
    [InlineData("id: a-very-long-unit-id-of-33-chars-x", "an id over 32 characters")]
    public void A_broken_battery_fails_the_schema(string change, string what)
    {
        var battery = "  - { id: b, kind: battery, bus: B3, capacity_kwh: 20, charge_kw: 5 }\n";
        var key = change.Split(':')[0];
        var broken = Regex.Replace(battery, $@"{key}: [^,}}]+", change);
        if (broken == battery)
        {
            broken = battery.Replace(" }", $", {change} }}");
        }

        Assert.False(Evaluate(Minimal.With(broken)).IsValid, $"{what} passes: {broken}");
        Assert.True(Evaluate(Minimal.With(battery)).IsValid);
    }

    [Theory]
    [InlineData("{ kind: community }", true)]
    [InlineData("{ kind: community, price_margin: 0.02 }", true)]
    [InlineData("{ minimum_spread: 0.03 }", true)]
    [InlineData("{ kind: community, minimum_spread: 0.03 }", false)]
    [InlineData("{ kind: arbitrage, price_margin: 0.02 }", false)]
    [InlineData("{ kind: community, price_margin: -0.01 }", false)]
    public void A_battery_strategy_is_arbitrage_or_community(string strategy, bool valid)
    {
        var battery = $"  - {{ id: b, kind: battery, bus: B3, capacity_kwh: 20, charge_kw: 5, strategy: {strategy} }}\n";

        Assert.Equal(valid, Evaluate(Minimal.With(battery)).IsValid);
    }

    [Theory]
    [InlineData("mode: { kind: island }", "mode: { kind: grid-connected }", "a grid-connected mode without tariffs")]
    [InlineData("mode: { kind: island }", "mode: { kind: islanded }", "an unknown mode")]
    [InlineData("time: { start: 2026-06-15, time_zone: Europe/Madrid }", "time: { start: 2026-06-15, slot_minutes: 7 }", "a slot that does not divide an hour")]
    [InlineData("network: { file: feeders/upc-pilot.feeder }", "network: { file: a.feeder, name: ieee-eu-lv }", "two networks")]
    [InlineData("time: { start: 2026-06-15, time_zone: Europe/Madrid }\n", "", "no time section")]
    [InlineData("technology: diesel", "technology: diesel, phase: A", "a single-phase slack")]
    public void A_broken_scenario_fails_the_schema(string from, string to, string what)
    {
        var broken = Minimal.With("").Replace(from, to);

        Assert.NotEqual(Minimal.With(""), broken);
        Assert.False(Evaluate(broken).IsValid, $"{what} passes");
    }

    private const string Hours = "[0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.4, 0.4, 0.4, 0.4, 0.2, 0.2]";

    [Theory]
    [InlineData("retail_price: 0.3, feed_in_price: 0.05, grid_fee: 0.02", true)]
    [InlineData("retail_price: { time_of_use: { weekdays: " + Hours + ", weekends: " + Hours + " } }, feed_in_price: { series: prices.csv }", true)]
    [InlineData("retail_price: { time_of_use: { weekdays: [0.3, 0.3] } }, feed_in_price: 0.05", false)]
    [InlineData("retail_price: { time_of_use: { mondays: " + Hours + " } }, feed_in_price: 0.05", false)]
    [InlineData("retail_price: { series: prices.csv, time_of_use: { weekdays: " + Hours + " } }, feed_in_price: 0.05", false)]
    [InlineData("retail_price: 0.3, feed_in_price: 0.05, grid_fee: -0.01", false)]
    public void Each_tariff_form_is_checked_by_the_schema(string tariffs, bool valid)
    {
        var yaml = Minimal.With("").Replace("mode: { kind: island }", $"mode: {{ kind: grid-connected, {tariffs} }}");

        Assert.Equal(valid, Evaluate(yaml).IsValid);
    }

    private static readonly JsonSchema ExperimentSchema = JsonSchema.FromFile(Shipped.Path("experiment.schema.json"));

    public static TheoryData<string> ShippedExperiments => [.. Directory.GetFiles(Shipped.Path("experiments"), "*.yaml").Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(ShippedExperiments))]
    public void A_shipped_experiment_satisfies_the_experiment_schema(string file)
    {
        AssertValid(File.ReadAllText(Path.Combine(Shipped.Path("experiments"), file)), ExperimentSchema);
    }

    [Theory]
    [InlineData("extra: 1", "an unknown key")]
    [InlineData("seeds: { seed: 0 }", "a seed count of 0")]
    [InlineData("seeds: { wether: 2 }", "an unknown seed stream")]
    [InlineData("seeds: { seed: [1, 1] }", "a seed listed twice")]
    [InlineData("kpis: [self_sufficency]", "an unknown KPI")]
    [InlineData("grid: { \"units[b].capacity_kwh\": 10 }", "a grid field without a list of values")]
    [InlineData("grid: { \"units..x\": [1] }", "a path that is not one")]
    [InlineData("cases: [ { seed: 3 } ]", "a seed as an override")]
    public void A_broken_experiment_fails_the_experiment_schema(string change, string what)
    {
        const string Valid = "scenario: base.yaml\n";

        Assert.True(Evaluate(Valid + "grid: { \"units[b].capacity_kwh\": [10, 20] }\nseeds: { seed: 3, weather: [1, 2] }\nkpis: [self_sufficiency]\n", ExperimentSchema).IsValid);
        Assert.False(Evaluate(Valid + change + "\n", ExperimentSchema).IsValid, $"{what} passes");
    }

    [Fact]
    public void The_experiment_schema_knows_every_KPI_a_run_reports_and_no_other()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Shipped.Path("experiment.schema.json")))!;
        var listed = schema["properties"]!["kpis"]!["items"]!["enum"]!.AsArray().Select(k => k!.GetValue<string>());

        Assert.Equal(MicroMarket.RunFormat.KpiValues.Keys, listed);
    }

    private static void AssertValid(string yaml, JsonSchema? schema = null)
    {
        var result = Evaluate(yaml, schema);
        var problems = result.Details
            .Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"));
        Assert.True(result.IsValid, string.Join(Environment.NewLine, problems.Take(20)));
    }

    private static EvaluationResults Evaluate(string yaml, JsonSchema? schema = null)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (schema ?? Schema).Evaluate(ToJson(stream.Documents[0].RootNode), new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    /// <summary>YAML to JSON under the YAML 1.2 core schema, as yaml-language-server reads a file: plain scalars may be null, booleans or numbers.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: var text } => text switch
        {
            null or "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when IntegerText().IsMatch(text) => JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture)),
            _ when FloatText().IsMatch(text) => JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture)),
            _ => JsonValue.Create(text),
        },
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerText();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatText();
}
