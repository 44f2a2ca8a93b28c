using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>
/// Binds a <c>prosumer</c>: its members are mappings with the keys of their own unit kinds (<c>load</c> required;
/// <c>pv</c>, <c>battery</c>, <c>ev</c> optional; <c>flexible</c> a list), bound by those kinds' binders at the
/// prosumer's bus and phase. The prosumer trades for all of them, so members that would only bid (the load, the PV, the
/// battery) take no <c>strategy</c>: the prosumer's own is the reservation price of its net import. The EV and the
/// appliances keep theirs: their willingness to pay shapes when they plan to draw; the battery runs for
/// <c>self-consumption</c> unless its strategy says <c>arbitrage</c>.
/// </summary>
internal static class ProsumerBinder
{
    public static ProsumerUnit Prosumer(YamlMap unit, UnitCommon common, UnitContext context)
    {
        if (unit.Has("forecast"))
        {
            unit.Error("forecast", "a prosumer forecasts through its members: set forecast under its load or pv");
        }
        var load = Member(unit, "load", UnitKind.Load, common, context, required: true, (map, c) => DemandBinder.Load(map, c, context));
        var pv = Member(unit, "pv", UnitKind.Pv, common, context, required: false, (map, c) => GeneratorBinder.Pv(map, c, context));
        var battery = Member(unit, "battery", UnitKind.Battery, common, context, required: false, (map, c) => StorageBinder.Battery(map, c));
        if (battery?.GridForming is not null)
        {
            unit.Map("battery")!.Error("grid_forming", "a home battery behind a prosumer's meter follows the grid; a grid-forming battery is a unit of its own");
        }
        var ev = Member(unit, "ev", UnitKind.Ev, common, context, required: false, (map, c) => StorageBinder.Ev(map, c, context));
        var flexible = unit.Maps("flexible").Select((map, k) =>
            Bind(map, ProsumerUnit.MemberId(common.Id, $"{ProsumerUnit.FlexibleMember}{k + 1}"), UnitKind.FlexibleLoad, common, context, (m, c) => DemandBinder.FlexibleLoad(m, c, context)))
            .ToList();
        return new ProsumerUnit(common.Id, common.Bus, common.Phase, common.InitialBalance, common.Strategy, common.Forecast,
            load ?? EmptyLoad(common), pv, battery, ev, ValueList.From(flexible));
    }

    private static T? Member<T>(YamlMap unit, string key, UnitKind kind, UnitCommon common, UnitContext context, bool required, Func<YamlMap, UnitCommon, T> bind)
        where T : UnitSpec
    {
        var map = unit.Map(key, required);
        // The household is the prosumer: its load keeps the prosumer's id (ProsumerUnit).
        var id = kind == UnitKind.Load ? common.Id : ProsumerUnit.MemberId(common.Id, key);
        return map is null ? null : Bind(map, id, kind, common, context, bind);
    }

    /// <summary>A member at the prosumer's bus and phase, under its own id, with its kind's forecast and (where it plans its own draw) strategy.</summary>
    private static T Bind<T>(YamlMap map, string id, UnitKind kind, UnitCommon prosumer, UnitContext context, Func<YamlMap, UnitCommon, T> bind)
        where T : UnitSpec
    {
        var plansItsOwnDraw = kind is UnitKind.Ev or UnitKind.FlexibleLoad;
        if (!plansItsOwnDraw && kind != UnitKind.Battery && map.Has("strategy"))
        {
            map.Error("strategy", "the prosumer bids for its members: set strategy on the prosumer");
        }
        var strategy = kind == UnitKind.Battery ? StrategyBinder.HomeBattery(map.Map("strategy"), context)
            : plansItsOwnDraw ? StrategyBinder.Bind(map.Map("strategy"), kind, context)
            : prosumer.Strategy;
        var member = bind(map, new UnitCommon(id, prosumer.Bus, prosumer.Phase, null, strategy, ForecastBinder.Bind(map.Map("forecast"), kind)));
        map.RejectUnknownKeys();
        return member;
    }

    /// <summary>Stands in for a missing <c>load</c> (already reported) so the rest of the prosumer is still checked.</summary>
    private static LoadUnit EmptyLoad(UnitCommon common) =>
        new(common.Id, common.Bus, common.Phase, null, common.Strategy, common.Forecast,
            new LoadProfileRef(1, null), 0, DemandBinder.DefaultPowerFactor);
}
