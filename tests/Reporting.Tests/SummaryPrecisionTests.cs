using System.Text.RegularExpressions;
using MicroMarket.RunFormat;
using Xunit;

namespace MicroMarket.Reporting.Tests;

/// <summary>summary.json writes every token amount one way (docs/kpis.md, "Precision"), whatever scale its arithmetic left it with.</summary>
public sealed partial class SummaryPrecisionTests
{
    [Fact]
    public void Every_token_amount_is_written_with_six_decimals()
    {
        // The quickstart fixture was written before the rule: its baselines read 0.00000, its prices 0.52392.
        using var run = RunFixture.IslandDay();
        var fixture = RunFixture.FixturePath("quickstart-day");
        var summary = RunJson.Read<RunSummary>(fixture, RunDirectory.Summary);
        var bill = summary.Kpis.Bills[0] with { TradeCost = 0.35118m, ImbalanceCost = 2.173952064m, Baseline = 0.00000m };

        RunJson.Write(run.Directory, RunDirectory.Summary, summary with { Kpis = summary.Kpis with { Bills = [bill, .. summary.Kpis.Bills.Skip(1)] } });

        var text = File.ReadAllText(run.PathOf(RunDirectory.Summary));
        Assert.Contains("\"trade_cost\": 0.351180,", text, StringComparison.Ordinal);
        Assert.Contains("\"imbalance_cost\": 2.173952,", text, StringComparison.Ordinal);
        Assert.Contains("\"baseline\": 0.000000,", text, StringComparison.Ordinal);
        var money = MoneyField().Matches(text).Select(m => m.Groups["value"].Value).Where(v => v != "null").ToList();
        Assert.NotEmpty(money);
        Assert.All(money, v => Assert.Matches(@"^-?\d+\.\d{6}$", v));
        Assert.Equal(2.173952m, RunJson.Read<RunSummary>(run.Directory, RunDirectory.Summary).Kpis.Bills[0].ImbalanceCost);
    }

    [GeneratedRegex("\"(?:net_bill|trade_cost|imbalance_cost|baseline|uplift_cost|saving|fuel_cost|revenue|uplift|ballast_fuel_cost|mean|min|max|mean_intraday_minus_day_ahead|mean_absolute_error)\": (?<value>[^,\\n]+)")]
    private static partial Regex MoneyField();
}
