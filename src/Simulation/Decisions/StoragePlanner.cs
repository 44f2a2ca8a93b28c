using MicroMarket.Grid.Units;

namespace MicroMarket.Simulation.Decisions;

/// <summary>
/// A battery's arbitrage plan over a horizon of expected prices, by dynamic programming over stored energy
/// (<see cref="Levels"/> levels between the SoC bounds: fine enough that a slot's move at full power loses at most
/// one level, under 10 % of the power for a battery of two hours or more). Charging pays the price per kWh drawn, discharging earns it per
/// kWh delivered, every kWh moved costs <paramref name="wearPerKwh"/> (wear and the risk that the price is wrong), and
/// what is still stored at the horizon's end is worth <c>terminalValuePerKwh</c> per kWh: a rolling horizon neither
/// empties the battery at each day's end nor hoards.
/// <para>
/// Money later is worth a little less than money now (<see cref="DiscountPerSlot"/>, far below any price step), so
/// among slots of equal price the plan sells in the earliest and buys in the latest: without it, selling tonight and
/// selling on the next day's equal evening tie, and a plan that always waits never sells at all.
/// </para>
/// </summary>
public sealed class StoragePlanner(Battery battery, double slotHours, double wearPerKwh)
{
    public const int Levels = 161;

    /// <summary>The weight of a token falls by this much per slot: it breaks ties between equal prices, nothing more.</summary>
    public const double DiscountPerSlot = 1e-6;

    /// <summary>
    /// What a kWh left stored at the horizon's end is worth: the horizon's mean price, as the battery will deliver it
    /// (times the discharge efficiency), less the wear of delivering it: exactly what selling it at the mean price would
    /// earn, so on a flat outlook selling ties with keeping, and ties keep.
    /// </summary>
    public double TerminalValue(IReadOnlyList<double> prices) =>
        prices.Count == 0 ? 0 : Math.Max(0, (prices.Average() - wearPerKwh) * battery.DischargeEfficiency);

    /// <summary>The plan: AC energy per slot, kWh, positive delivered (discharge), negative drawn (charge).</summary>
    public double[] Plan(IReadOnlyList<double> prices, double startEnergyKwh, double terminalValuePerKwh)
    {
        var n = prices.Count;
        var step = (battery.MaxEnergyKwh - battery.MinEnergyKwh) / (Levels - 1);
        var start = Math.Clamp((int)Math.Round((startEnergyKwh - battery.MinEnergyKwh) / step), 0, Levels - 1);
        // The levels one slot can move at the power limits: the recursion looks no further.
        var up = (int)Math.Floor(battery.MaxChargeKw * slotHours * battery.ChargeEfficiency / step + 1e-9);
        var down = (int)Math.Floor(battery.MaxDischargeKw * slotHours / battery.DischargeEfficiency / step + 1e-9);
        // value[t, l]: the best revenue from slot t on, entering slot t at level l, the end state valued at the terminal value.
        var value = new double[n + 1, Levels];
        var choice = new int[n, Levels];
        for (var l = 0; l < Levels; l++)
        {
            // Undiscounted: on a flat outlook a sale ties with keeping the energy exactly, and keeping wins.
            value[n, l] = (l - start) * step * terminalValuePerKwh;
        }
        for (var t = n - 1; t >= 0; t--)
        {
            for (var l = 0; l < Levels; l++)
            {
                var best = value[t + 1, l];
                var bestNext = l;
                for (var next = Math.Max(0, l - down); next <= Math.Min(Levels - 1, l + up); next++)
                {
                    if (next == l)
                    {
                        continue;
                    }
                    var ac = AcEnergy(next - l, step);
                    var revenue = (ac * prices[t] - Math.Abs(ac) * wearPerKwh) * Weight(t) + value[t + 1, next];
                    if (revenue > best + 1e-12)
                    {
                        best = revenue;
                        bestNext = next;
                    }
                }
                value[t, l] = best;
                choice[t, l] = bestNext;
            }
        }
        var plan = new double[n];
        var level = start;
        for (var t = 0; t < n; t++)
        {
            var next = choice[t, level];
            plan[t] = AcEnergy(next - level, step);
            level = next;
        }
        return plan;
    }

    private static double Weight(int slot) => 1 - DiscountPerSlot * slot;

    /// <summary>AC energy of moving <paramref name="levels"/> levels in one slot: positive delivered, negative drawn.</summary>
    private double AcEnergy(int levels, double step)
    {
        var storedKwh = levels * step;
        return storedKwh > 0 ? -storedKwh / battery.ChargeEfficiency : -storedKwh * battery.DischargeEfficiency;
    }
}
