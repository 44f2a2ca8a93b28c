using MicroMarket.Grid.Model;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>
/// What binding a unit needs from the sections bound before it. A section with errors is null here, so checks that
/// depend on it are skipped rather than reported against a guess.
/// </summary>
/// <param name="Folder">The scenario file's folder: relative file paths resolve against it.</param>
/// <param name="BehaviourSeed">The scenario's behaviour stream (<see cref="SeedStreams.Behaviour"/>): a household's year is diversified from it.</param>
internal sealed record UnitContext(string Folder, ScenarioTime? Time, Network? Network, MarketSettings? Market, int BehaviourSeed)
{
    /// <summary>
    /// Reports at <paramref name="key"/> a resource series that would wrap round the run (<see cref="ResourceSeries.Shortfall"/>),
    /// unless the unit says <c>wrap: true</c>, the time section has errors, or the resource itself reported errors since
    /// <paramref name="errorsBefore"/> (it is not read then: the error is already there).
    /// </summary>
    public void RequireCoverage(YamlMap map, string key, bool wrap, int errorsBefore, Func<ScenarioTime, ResourceSeries?> series)
    {
        if (!wrap && Time is { } time && map.Diagnostics.Count == errorsBefore && series(time)?.Shortfall(time) is { } problem)
        {
            map.Error(key, problem);
        }
    }

    /// <summary>Slot length for derived values (a load's peak); 15 minutes when the time section has errors (the scenario is rejected anyway).</summary>
    public TimeSpan SlotLength => TimeSpan.FromMinutes(Time?.SlotMinutes ?? 15);

    /// <summary>The absolute path of the existing file named at <paramref name="key"/>, relative to the scenario's folder.</summary>
    public string ExistingFile(YamlMap map, string key) => ExistingFile(map, key, Folder);

    /// <summary>The absolute path of the existing file named at <paramref name="key"/>, relative to <paramref name="folder"/>; reported when missing.</summary>
    public static string ExistingFile(YamlMap map, string key, string folder)
    {
        var text = map.Text(key);
        if (!map.AllValid(key))
        {
            return "";
        }
        var path = Path.GetFullPath(Path.Combine(folder, text));
        if (!File.Exists(path))
        {
            map.Error(key, $"file not found: {path}");
        }
        return path;
    }

    /// <summary>Reports a clock time that does not fall on a slot boundary (a plug-in at 18:07 in 15-minute slots).</summary>
    public void RequireOnSlot(YamlMap map, string key, TimeOnly time)
    {
        if (Time is { } t && map.AllValid(key) && (time.Hour * 60 + time.Minute) % t.SlotMinutes != 0)
        {
            map.Error(key, $"{time:HH:mm} is not on a {t.SlotMinutes}-minute slot boundary");
        }
    }

    /// <summary>Price bounds of the market, for checking strategy prices; null when the market section has errors.</summary>
    public void RequireWithinPriceBounds(YamlMap map, string key, decimal price)
    {
        if (Market is { } m && map.AllValid(key) && (price < m.PriceFloor || price > m.PriceCap))
        {
            map.Error(key, $"{price} is outside the market's price bounds [{m.PriceFloor}, {m.PriceCap}] (market.price_floor, market.price_cap)");
        }
    }
}
