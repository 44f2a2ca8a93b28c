using MicroMarket.Grid.Model;
using MicroMarket.Grid.Networks;
using MicroMarket.Grid.Profiles;
using MicroMarket.Grid.Solve;
using Xunit;
using Xunit.Abstractions;

namespace MicroMarket.Grid.Tests.Validation;

/// <summary>
/// CIGRE LV against the balanced base case derived in the data README (not a published benchmark: a
/// balanced sweep in Python on the same data, full loads, ideal 20 kV source, tolerance 1e-12 pu).
/// </summary>
public sealed class CigreLvTests(ITestOutputHelper output)
{
    private static (Network Network, Results.PowerFlowResult Result) SolveBaseCase()
    {
        var network = NetworkLibrary.Load(CigreLvNetwork.Name);
        var solver = new PowerFlowSolver(network);
        var injections = solver.CreateInjections();
        ProfiledLoads.Apply(injections, minute: 1); // no profiles: every load at its listed maximum demand
        return (network, solver.Solve(injections, PowerFlowMode.GridConnected));
    }

    [Fact]
    public void Network_has_the_expected_size()
    {
        // pandapower's own test expects 44 buses, 37 lines, 3 transformers, 15 loads, 3 switches.
        var network = NetworkLibrary.Load(CigreLvNetwork.Name);
        Assert.Equal((44, 37, 3, 15, 3), (network.Buses.Count, network.Lines.Count, network.Transformers.Count, network.Units.Count, network.Switches.Count));
    }

    [Fact]
    public void Bus_voltages_match_the_derived_base_case()
    {
        var (network, result) = SolveBaseCase();
        double worstPu = 0, worstAngle = 0;
        foreach (var f in Reference.Rows("cigre-lv/derived_balanced_powerflow_base_case.csv"))
        {
            var bus = network.BusIndex(f[0]);
            var lv = network.Buses[bus].NominalVoltageKv < 1.0;
            for (var p = Phase.A; p <= Phase.C; p++)
            {
                worstPu = Math.Max(worstPu, Math.Abs(result.VoltagePu(bus, p) - Reference.Number(f[1])));
                // The reference leaves out the transformers' 30 degree shift; balanced phases B and C sit 120 degrees apart.
                var expected = Reference.Number(f[2]) - (lv ? 30.0 : 0.0) - 120.0 * (int)p;
                worstAngle = Math.Max(worstAngle, Math.Abs(Math.IEEERemainder(result.VoltageAngleDeg(bus, p) - expected, 360)));
            }
        }
        output.WriteLine($"max |dV| {worstPu:E2} pu, max angle error {worstAngle:E2} deg, {result.Iterations} sweeps");
        // The reference is printed to 1e-6 pu and 1e-4 degree.
        Assert.True(worstPu <= 2e-6, $"voltage error {worstPu} pu");
        Assert.True(worstAngle <= 2e-4, $"angle error {worstAngle} deg");
    }

    [Fact]
    public void Grid_infeed_and_losses_match_the_derived_base_case()
    {
        // README: infeed 714.929 kW / 318.760 kvar; losses 28.33 kW / 34.45 kvar including the transformers.
        var (_, result) = SolveBaseCase();
        output.WriteLine($"infeed {result.ExternalGridPowerKw:F3} kW / {result.ExternalGridReactivePowerKvar:F3} kvar, losses {result.LossesKw + result.TransformerLossesKw:F3} kW / {result.LossesKvar + result.TransformerLossesKvar:F3} kvar");
        Assert.InRange(result.ExternalGridPowerKw, 714.929 - 0.001, 714.929 + 0.001);
        Assert.InRange(result.ExternalGridReactivePowerKvar, 318.760 - 0.001, 318.760 + 0.001);
        Assert.InRange(result.LossesKw + result.TransformerLossesKw, 28.33 - 0.005, 28.33 + 0.005);
        Assert.InRange(result.LossesKvar + result.TransformerLossesKvar, 34.45 - 0.005, 34.45 + 0.005);
    }
}
