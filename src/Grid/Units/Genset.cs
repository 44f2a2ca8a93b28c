namespace MicroMarket.Grid.Units;

/// <summary>
/// Fuel consumption per hour as a function of electrical output P (kW) and rating P_r:
/// F(P) = <see cref="NoLoadPerRatedKw"/> x P_r + <see cref="PerKwh"/> x P + <see cref="QuadraticPerKw2"/> x P^2 (fuel units per hour),
/// the linear form being HOMER's generator model. Marginal fuel dF/dP = PerKwh + 2 QuadraticPerKw2 P rises with loading
/// when the quadratic term is positive, while the average fuel per kWh always falls with loading (the no-load term is spread).
/// </summary>
/// <param name="FuelUnit"><see cref="Litres"/> for diesel, <see cref="GasKwh"/> (lower heating value) for natural gas: printed
/// after a fuel amount as it is (the report, summary.json's <c>fuel_unit</c>, the optimum), so it names the fuel where "kWh"
/// alone would read as electricity.</param>
/// <param name="Co2KgPerUnit">emission factor: diesel 2.68 kg/L (IPCC 74.1 kg/GJ x 36 MJ/L), natural gas 0.202 kg/kWh.</param>
public sealed record FuelCurve(double NoLoadPerRatedKw, double PerKwh, double QuadraticPerKw2, string FuelUnit, double Co2KgPerUnit)
{
    public const string Litres = "L";

    public const string GasKwh = "kWh gas";

    /// <summary>HOMER's default diesel curve: 0.08145 L/h per rated kW + 0.246 L/kWh.</summary>
    public static FuelCurve Diesel { get; } = new(0.08145, 0.246, 0.0, Litres, 2.68);
}

/// <summary>
/// A dispatchable slack unit with a fuel: a diesel genset or a gas CHP. It runs between its minimum stable output
/// (below it, combustion and wet-stacking limits; typically 0.3 of rating for diesel, 0.5 for gas engines) and its
/// rating, and accounts fuel, CO2 and, for a CHP, useful heat. As the island's grid-forming unit its output is
/// set by the balance (<see cref="Balance.IslandDispatch"/>), which respects <see cref="Limits"/>.
/// </summary>
public sealed record Genset
{
    public Genset(double ratedKw, double minimumStableKw, FuelCurve fuel, double thermalEfficiency = 0.0)
    {
        if (!(ratedKw > 0 && minimumStableKw >= 0 && minimumStableKw <= ratedKw && thermalEfficiency is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ratedKw), "need rating > 0, 0 <= minimum stable output <= rating, 0 <= thermal efficiency < 1");
        }
        RatedKw = ratedKw;
        MinimumStableKw = minimumStableKw;
        Fuel = fuel;
        ThermalEfficiency = thermalEfficiency;
    }

    public double RatedKw { get; }
    public double MinimumStableKw { get; }
    public FuelCurve Fuel { get; }

    /// <summary>Useful heat per unit of fuel energy (CHP only; 0 for a genset). Applies to fuel in kWh.</summary>
    public double ThermalEfficiency { get; }

    /// <summary>A diesel genset with HOMER's fuel curve.</summary>
    public static Genset Diesel(double ratedKw, double minimumStableFraction = 0.3) =>
        new(ratedKw, minimumStableFraction * ratedKw, FuelCurve.Diesel);

    /// <summary>
    /// A gas-engine CHP with electrical efficiency <paramref name="electricalEfficiency"/> at full load
    /// (0.30..0.40 for small units) and a no-load fuel of 15 % of full-load fuel; heat = fuel x thermal efficiency (0.45..0.55).
    /// </summary>
    public static Genset Chp(double ratedKw, double electricalEfficiency = 0.35, double thermalEfficiency = 0.5, double minimumStableFraction = 0.5)
    {
        const double noLoadShare = 0.15;
        var fullLoadFuelPerKw = 1.0 / electricalEfficiency;
        return new Genset(ratedKw, minimumStableFraction * ratedKw,
            new FuelCurve(noLoadShare * fullLoadFuelPerKw, (1 - noLoadShare) * fullLoadFuelPerKw, 0.0, FuelCurve.GasKwh, 0.202), thermalEfficiency);
    }

    /// <summary>The output range while running, for the island balance.</summary>
    public SlackLimits Limits => new(MinimumStableKw, RatedKw);

    /// <summary>Fuel per hour at output <paramref name="outputKw"/> while running, fuel units per hour.</summary>
    public double FuelPerHour(double outputKw) =>
        Fuel.NoLoadPerRatedKw * RatedKw + Fuel.PerKwh * outputKw + Fuel.QuadraticPerKw2 * outputKw * outputKw;

    /// <summary>Marginal fuel per extra kWh at output <paramref name="outputKw"/>, fuel units per kWh.</summary>
    public double MarginalFuelPerKwh(double outputKw) => Fuel.PerKwh + 2 * Fuel.QuadraticPerKw2 * outputKw;

    /// <summary>Marginal cost per kWh at a loading, for bids: fuel price x marginal fuel. Money stays decimal.</summary>
    public decimal MarginalCostPerKwh(double outputKw, decimal fuelPricePerUnit) => fuelPricePerUnit * (decimal)MarginalFuelPerKwh(outputKw);

    /// <summary>Average cost per kWh at a loading (includes the no-load fuel): fuel price x F(P) / P.</summary>
    public decimal AverageCostPerKwh(double outputKw, decimal fuelPricePerUnit) =>
        outputKw > 0 ? fuelPricePerUnit * (decimal)(FuelPerHour(outputKw) / outputKw) : throw new ArgumentOutOfRangeException(nameof(outputKw), "output must be > 0");

    /// <summary>
    /// The convex-hull price at a loading, for offers that recover the unit's running cost: the slope
    /// of the convex hull of its cost over {off} and its running range (Gribik, Hogan and Pope 2007).
    /// The hull runs straight from the origin to the loading of least average cost (P* = sqrt(no-load
    /// fuel / quadratic term), within the running range; the rating when the curve is linear) and
    /// follows the fuel curve beyond: its slope is the least average cost up to P* and the marginal
    /// cost above. A unit paid this for every kWh it runs at or above P* recovers its no-load fuel,
    /// which marginal-cost offers never do. Fuel price per fuel unit in, tokens per kWh out.
    /// </summary>
    public decimal ConvexHullPricePerKwh(double outputKw, decimal fuelPricePerUnit)
    {
        var cheapestKw = Fuel.QuadraticPerKw2 > 0
            ? Math.Clamp(Math.Sqrt(Fuel.NoLoadPerRatedKw * RatedKw / Fuel.QuadraticPerKw2), Math.Max(MinimumStableKw, double.Epsilon), RatedKw)
            : RatedKw;
        return Math.Max(AverageCostPerKwh(cheapestKw, fuelPricePerUnit), MarginalCostPerKwh(outputKw, fuelPricePerUnit));
    }

    /// <summary>
    /// Runs one slot at <paramref name="outputKw"/> (0 = off, else within the limits) and accounts fuel, CO2 and heat;
    /// <paramref name="startFuel"/> is burnt on top when the unit starts in this slot (cranking, warm-up, purge).
    /// </summary>
    public GensetStep Run(double outputKw, TimeSpan slot, double startFuel = 0)
    {
        var hours = UnitArguments.Hours(slot);
        if (outputKw == 0)
        {
            return new GensetStep(0, 0, 0, 0, 0);
        }
        if (!(outputKw >= MinimumStableKw - 1e-9 && outputKw <= RatedKw + 1e-9))
        {
            throw new ArgumentOutOfRangeException(nameof(outputKw), outputKw, $"a running unit must stay within {MinimumStableKw}..{RatedKw} kW");
        }
        var fuel = FuelPerHour(outputKw) * hours + startFuel;
        var heat = Fuel.FuelUnit == FuelCurve.GasKwh ? fuel * ThermalEfficiency : 0.0;
        return new GensetStep(outputKw, outputKw * hours, fuel, fuel * Fuel.Co2KgPerUnit, heat);
    }
}

/// <summary>One slot of a genset: output (kW), energy (kWh), fuel (fuel units), CO2 (kg), useful heat (kWh).</summary>
public sealed record GensetStep(double OutputKw, double EnergyKwh, double Fuel, double Co2Kg, double HeatKwh);

/// <summary>
/// The output range of the island's slack unit for one slot, kW (generator convention): a running genset
/// [minimum stable, rated]; an over-sized battery [-charge limit, +discharge limit] from its state of charge.
/// </summary>
public sealed record SlackLimits(double MinimumKw, double MaximumKw)
{
    /// <summary>An over-sized battery as the slack: it can absorb as well as supply, as far as its SoC allows for the slot.</summary>
    public static SlackLimits ForBattery(Battery battery, double energyKwh, TimeSpan slot) =>
        new(-battery.AvailableChargeKw(energyKwh, slot), battery.AvailableDischargeKw(energyKwh, slot));
}
