using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Binding;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;
using static MicroMarket.Scenarios.Yaml.YamlText;

namespace MicroMarket.Scenarios;

/// <summary>Writes a resolved scenario back in the scenario format, for the run folder and for review.</summary>
public static class ScenarioWriter
{
    /// <summary>
    /// Writes <paramref name="scenario"/> with every default spelled out and every generated unit listed (no
    /// <c>populate</c>), file paths absolute: loading the output gives an equal scenario (but for
    /// <see cref="Scenario.SourcePath"/>). Keys in a fixed order, numbers in the invariant culture, '\n' line ends:
    /// the same scenario always gives the same bytes. A unit's <c>initial_balance</c> is written only when it
    /// overrides the market's.
    /// </summary>
    public static void WriteResolved(Scenario scenario, TextWriter writer)
    {
        var yaml = new YamlBlockWriter(writer);
        yaml.Comment("Resolved scenario: every default written out, every generated unit listed.");
        yaml.Scalar("name", Text(scenario.Name));
        if (scenario.Description is { } description)
        {
            yaml.Scalar("description", Text(description));
        }
        yaml.Scalar("seed", Number(scenario.Seed));
        yaml.Flow("seeds", [.. SeedStreams.Names.Zip(scenario.Streams.Values, (stream, seed) => (stream, Number(seed)))]);
        WriteTime(yaml, scenario.Time);
        WriteMode(yaml, scenario.Mode);
        yaml.Flow("network", scenario.Network.Name is { } name ? [("name", Text(name))] : [("file", Text(scenario.Network.NameOrPath))]);
        WriteMarket(yaml, scenario.Market);
        using (yaml.Map("units"))
        {
            foreach (var unit in scenario.Units)
            {
                using (yaml.Item())
                {
                    WriteUnit(yaml, unit);
                }
            }
        }
    }

    /// <summary>
    /// The scenario name a resolved scenario file records (<see cref="WriteResolved"/> writes it first, so only the
    /// first key is read), or null when the file does not begin like one.
    /// </summary>
    public static string? ResolvedName(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            var parser = new Parser(reader);
            parser.Consume<StreamStart>();
            parser.Consume<DocumentStart>();
            parser.Consume<MappingStart>();
            return parser.Consume<Scalar>().Value == "name" ? parser.Consume<Scalar>().Value : null;
        }
        catch (Exception ex) when (ex is YamlException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void WriteTime(YamlBlockWriter yaml, ScenarioTime time)
    {
        using (yaml.Map("time"))
        {
            yaml.Scalar("start", Date(time.Start));
            yaml.Scalar("days", Number(time.Days));
            yaml.Scalar("slot_minutes", Number(time.SlotMinutes));
            yaml.Scalar("time_zone", Text(time.TimeZone));
        }
    }

    private static void WriteMode(YamlBlockWriter yaml, GridMode mode)
    {
        switch (mode)
        {
            case GridConnectedMode grid:
                List<(string, string)> pairs = [("kind", ModeBinder.GridConnected), ("retail_price", TariffText(grid.RetailPrice)), ("feed_in_price", TariffText(grid.FeedInPrice))];
                if (grid.GridFee != 0)
                {
                    // Written only when charged, so the flat tariffs of older files resolve to the same text.
                    pairs.Add(("grid_fee", Money(grid.GridFee)));
                }
                if (grid.CapacityKw is { } capacity)
                {
                    pairs.Add(("capacity_kw", Number(capacity)));
                }
                yaml.Flow("mode", pairs);
                break;
            default:
                yaml.Flow("mode", ("kind", ModeBinder.Island));
                break;
        }
    }

    /// <summary>A tariff as a flow value: a number, <c>{ time_of_use: { weekdays: [...], weekends: [...] } }</c> or <c>{ series: path }</c>.</summary>
    private static string TariffText(Tariff tariff) => tariff switch
    {
        FlatTariff flat => Money(flat.Price),
        TimeOfUseTariff tou => $"{{ {ModeBinder.TimeOfUse}: {{ weekdays: {Prices(tou.Weekdays)}, weekends: {Prices(tou.Weekends)} }} }}",
        SeriesTariff series => $"{{ {ModeBinder.Series}: {Text(series.FilePath)} }}",
        _ => throw new ArgumentOutOfRangeException(nameof(tariff), tariff, "unknown tariff"),
    };

    private static string Prices(IEnumerable<decimal> prices) => "[" + string.Join(", ", prices.Select(Money)) + "]";

    private static void WriteMarket(YamlBlockWriter yaml, MarketSettings market)
    {
        using (yaml.Map("market"))
        {
            yaml.Scalar("day_ahead_gate", Clock(market.DayAheadGate));
            yaml.Scalar("intraday_gate_minutes", Number(market.IntradayGateMinutes));
            yaml.Scalar("reading_window_minutes", Number(market.ReadingWindowMinutes));
            yaml.Scalar("price_floor", Money(market.PriceFloor));
            yaml.Scalar("price_cap", Money(market.PriceCap));
            yaml.Flow("imbalance", ("penalty_percent", Money(market.ImbalancePenaltyPercent)), ("fallback_price", Money(market.ImbalanceFallbackPrice)),
                ("min_volume_kwh", Money(market.ImbalanceMinVolumeKwh)));
            yaml.Scalar("missing_reading_fee", Money(market.MissingReadingFee));
            yaml.Scalar("initial_balance", Money(market.InitialBalance));
            yaml.Scalar("margin_slots", Number(market.MarginSlots));
            yaml.Scalar("intraday_min_correction_wh", Number(market.IntradayMinCorrectionWh));
            if (market.PriceOutlook is { } outlook)
            {
                yaml.Scalar("price_outlook", Prices(outlook));
            }
        }
    }

    private static void WriteUnit(YamlBlockWriter yaml, UnitSpec unit)
    {
        yaml.Scalar("id", Text(unit.Id));
        yaml.Scalar("kind", UnitKinds.Name(ScenarioUnitKinds.Of(unit)));
        yaml.Scalar("bus", Text(unit.Bus));
        yaml.Scalar("phase", UnitBinder.Phases.First(p => p.Value == unit.Phase).Name);
        if (unit.InitialBalance is { } balance)
        {
            yaml.Scalar("initial_balance", Money(balance));
        }
        if (unit is ProsumerUnit prosumer)
        {
            WriteProsumer(yaml, prosumer);
            return;
        }
        WriteBody(yaml, unit);
        WriteStrategy(yaml, unit.Strategy);
        WriteForecast(yaml, unit.Forecast);
    }

    /// <summary>
    /// A prosumer: its strategy, then each member as a mapping of its own kind's keys (its id, bus and phase are the
    /// prosumer's, so not written), with its strategy only where the member plans its own draw (ProsumerBinder).
    /// </summary>
    private static void WriteProsumer(YamlBlockWriter yaml, ProsumerUnit prosumer)
    {
        WriteStrategy(yaml, prosumer.Strategy);
        WriteMember(yaml, "load", prosumer.Load, withStrategy: false);
        if (prosumer.Pv is { } pv)
        {
            WriteMember(yaml, "pv", pv, withStrategy: false);
        }
        if (prosumer.Battery is { } battery)
        {
            WriteMember(yaml, "battery", battery, withStrategy: true);
        }
        if (prosumer.Ev is { } ev)
        {
            WriteMember(yaml, "ev", ev, withStrategy: true);
        }
        if (prosumer.Flexible.Count > 0)
        {
            using (yaml.Map("flexible"))
            {
                foreach (var flexible in prosumer.Flexible)
                {
                    using (yaml.Item())
                    {
                        WriteBody(yaml, flexible);
                        WriteStrategy(yaml, flexible.Strategy);
                        WriteForecast(yaml, flexible.Forecast);
                    }
                }
            }
        }
    }

    private static void WriteMember(YamlBlockWriter yaml, string key, UnitSpec member, bool withStrategy)
    {
        using (yaml.Map(key))
        {
            WriteBody(yaml, member);
            if (withStrategy)
            {
                WriteStrategy(yaml, member.Strategy);
            }
            WriteForecast(yaml, member.Forecast);
        }
    }

    /// <summary>The keys of the unit's own kind.</summary>
    private static void WriteBody(YamlBlockWriter yaml, UnitSpec unit)
    {
        switch (unit)
        {
            case PvUnit pv:
                yaml.Scalar("peak_kw", Number(pv.PeakKw));
                yaml.Scalar("inverter_kw", Number(pv.InverterKw));
                WritePvResource(yaml, pv.Resource);
                WriteWrap(yaml, pv.Wrap);
                break;
            case WindUnit wind:
                WriteWind(yaml, wind);
                WriteWrap(yaml, wind.Wrap);
                break;
            case BatteryUnit battery:
                yaml.Scalar("capacity_kwh", Number(battery.CapacityKwh));
                yaml.Scalar("charge_kw", Number(battery.ChargeKw));
                yaml.Scalar("discharge_kw", Number(battery.DischargeKw));
                yaml.Flow("efficiency", ("charge", Number(battery.ChargeEfficiency)), ("discharge", Number(battery.DischargeEfficiency)));
                yaml.Flow("soc", ("initial", Number(battery.SocInitial)), ("min", Number(battery.SocMin)), ("max", Number(battery.SocMax)));
                if (battery.GridForming is { } forming)
                {
                    yaml.Scalar("grid_forming", Flag(true));
                    yaml.Scalar("droop_share", Number(forming.DroopShareKw));
                    yaml.Scalar("soc_reserve", Number(forming.SocReserve));
                }
                break;
            case EvUnit ev:
                WriteEv(yaml, ev);
                break;
            case LoadUnit load:
                WriteLoadProfile(yaml, load.Profile);
                yaml.Scalar("scale", Number(load.Scale));
                yaml.Scalar("power_factor", Number(load.PowerFactor));
                WriteWrap(yaml, load.Wrap);
                break;
            case FlexibleLoadUnit flexible:
                yaml.Scalar("energy_kwh", Number(flexible.EnergyKwh));
                yaml.Scalar("power_kw", Number(flexible.PowerKw));
                yaml.Flow("window", ("start", Clock(flexible.WindowStart)), ("end", Clock(flexible.WindowEnd)));
                yaml.Scalar("preferred_start", Clock(flexible.PreferredStart ?? flexible.WindowStart));
                break;
            case SlackUnit slack:
                WriteSlack(yaml, slack);
                break;
        }
    }

    private static void WriteForecast(YamlBlockWriter yaml, ForecastSpec forecast)
    {
        yaml.Flow("forecast",
            ("day_ahead_sigma", Number(forecast.DayAheadSigma)),
            ("intraday_sigma", Number(forecast.IntradaySigma)),
            ("scale", forecast.Scale),
            ("distribution", forecast.Distribution),
            ("correlation", Number(forecast.Correlation)));
    }

    /// <summary><c>wrap</c> is written only when set, so files without it round-trip unchanged.</summary>
    private static void WriteWrap(YamlBlockWriter yaml, bool wrap)
    {
        if (wrap)
        {
            yaml.Scalar("wrap", Flag(true));
        }
    }

    private static void WriteLoadProfile(YamlBlockWriter yaml, LoadProfileRef profile)
    {
        if (profile.Year is { } year)
        {
            using (yaml.Map("profile"))
            {
                yaml.Flow("year", ("series", year.Series), ("annual_kwh", Number(year.AnnualKwh)));
            }
            return;
        }
        yaml.Flow("profile", profile.IeeeProfile is { } number ? [("ieee", Number(number))] : [("file", Text(profile.FilePath ?? ""))]);
    }

    private static void WritePvResource(YamlBlockWriter yaml, PvResource resource)
    {
        using (yaml.Map("resource"))
        {
            switch (resource)
            {
                case MeasuredPvResource measured:
                    yaml.Flow("measured", ("day_offset", Number(measured.DayOffset)));
                    break;
                case ClearSkyPvResource sky:
                    yaml.Flow("clear_sky",
                        ("latitude_deg", Number(sky.LatitudeDeg)),
                        ("longitude_deg", Number(sky.LongitudeDeg)),
                        ("tilt_deg", Number(sky.TiltDeg)),
                        ("azimuth_deg", Number(sky.AzimuthDeg)),
                        ("mean_clear_sky_index", Number(sky.CloudinessMean)),
                        ("persistence", Number(sky.CloudinessPersistence)));
                    break;
                case YearPvResource year:
                    yaml.Flow("year", ("series", year.Series), ("tilt_deg", Number(year.TiltDeg)), ("azimuth_deg", Number(year.AzimuthDeg)));
                    break;
                case FilePvResource file:
                    yaml.Scalar("file", Text(file.FilePath));
                    break;
            }
        }
    }

    private static void WriteWind(YamlBlockWriter yaml, WindUnit wind)
    {
        yaml.Scalar("rated_kw", Number(wind.RatedPowerKw));
        yaml.Scalar("hub_height_m", Number(wind.HubHeightM));
        yaml.Scalar("cut_in_ms", Number(wind.CutInMs));
        yaml.Scalar("rated_ms", Number(wind.RatedMs));
        yaml.Scalar("cut_out_ms", Number(wind.CutOutMs));
        if (wind.PowerCurveTable is { } table)
        {
            yaml.Scalar("power_curve", $"[{string.Join(", ", table.Select(p => $"[{Number(p.SpeedMs)}, {Number(p.PowerKw)}]"))}]");
        }
        using (yaml.Map("resource"))
        {
            var resource = wind.Resource;
            if (resource.YearSeries is { } year)
            {
                yaml.Flow("year", ("series", year));
            }
            else if (resource.MeasuredSeries is { } series)
            {
                yaml.Flow("measured", ("series", series), ("day_offset", Number(resource.DayOffset)));
            }
            else
            {
                yaml.Flow("file", ("path", Text(resource.FilePath ?? "")), ("height_m", Number(resource.FileHeightM ?? 0)), ("day_offset", Number(resource.DayOffset)));
            }
        }
    }

    private static void WriteEv(YamlBlockWriter yaml, EvUnit ev)
    {
        yaml.Scalar("battery_kwh", Number(ev.BatteryKwh));
        yaml.Scalar("charger_kw", Number(ev.ChargerKw));
        yaml.Scalar("v2g_kw", Number(ev.V2gKw));
        yaml.Scalar("charge_efficiency", Number(ev.ChargeEfficiency));
        using (yaml.Map("sessions"))
        {
            foreach (var session in ev.Sessions)
            {
                using (yaml.Item())
                {
                    yaml.Scalar("arrive", Clock(session.Arrive));
                    yaml.Scalar("depart", Clock(session.Depart));
                    yaml.Scalar("energy_kwh", Number(session.EnergyKwh));
                    yaml.Scalar("arrival_soc", Number(session.ArrivalSoc));
                    yaml.Scalar("arrival_jitter_minutes", Number(session.ArrivalJitterMinutes));
                }
            }
        }
    }

    private static void WriteSlack(YamlBlockWriter yaml, SlackUnit slack)
    {
        yaml.Scalar("technology", SlackBinder.TechnologyName(slack.Technology));
        yaml.Scalar("rated_kw", Number(slack.RatedPowerKw));
        yaml.Scalar("min_stable_fraction", Number(slack.MinStableFraction));
        yaml.Scalar("fuel_price", Money(slack.FuelPrice));
        if (slack.CapacityKwh is { } capacity)
        {
            yaml.Scalar("capacity_kwh", Number(capacity));
        }
        if (slack.SocInitial is { } soc)
        {
            yaml.Scalar("soc_initial", Number(soc));
        }
        if (slack.Operation is { } operation)
        {
            yaml.Scalar("min_up_minutes", Number(operation.MinUpMinutes));
            yaml.Scalar("min_down_minutes", Number(operation.MinDownMinutes));
            yaml.Scalar("start_fuel", Number(operation.StartFuel));
            yaml.Scalar("reserve_fraction", Number(operation.ReserveFraction));
            yaml.Scalar("reserve_largest_unit", Flag(operation.ReserveLargestUnit));
            yaml.Scalar("dispatch", SlackBinder.DispatchRuleName(operation.Dispatch));
            yaml.Scalar("setpoint_soc", Number(operation.SetpointSoc));
            yaml.Scalar("look_ahead_minutes", Number(operation.LookAheadMinutes));
        }
    }

    private static void WriteStrategy(YamlBlockWriter yaml, StrategySpec strategy)
    {
        var kind = ("kind", StrategyBinder.NameOf(strategy));
        switch (strategy)
        {
            case PriceTakerStrategy s:
                yaml.Flow("strategy", kind, ("price", Money(s.Price)));
                break;
            case MarginalCostStrategy s:
                yaml.Flow("strategy", kind, ("markup", Money(s.Markup)));
                break;
            case ArbitrageStrategy s:
                yaml.Flow("strategy", kind, ("minimum_spread", Money(s.MinimumSpread)));
                break;
            case CommunityStrategy s:
                yaml.Flow("strategy", kind, ("price_margin", Money(s.PriceMargin)));
                break;
            case EvChargingStrategy s:
                yaml.Flow("strategy", kind, ("willingness_to_pay", Money(s.WillingnessToPay)), ("demand_response", Flag(s.OfferDemandResponse)), ("demand_response_premium", Money(s.DemandResponsePremium)));
                break;
            case SelfConsumptionStrategy:
                yaml.Flow("strategy", kind);
                break;
            case FlexibleShiftStrategy s:
                yaml.Flow("strategy", kind, ("willingness_to_pay", Money(s.WillingnessToPay)), ("demand_response", Flag(s.OfferDemandResponse)), ("demand_response_premium", Money(s.DemandResponsePremium)));
                break;
        }
    }
}
