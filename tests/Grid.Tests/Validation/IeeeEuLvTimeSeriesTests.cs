using MicroMarket.Grid.Model;
using MicroMarket.Grid.Solve;
using Xunit;
using Xunit.Abstractions;

namespace MicroMarket.Grid.Tests.Validation;

/// <summary>The published 24-hour OpenDSS series: voltages at LOAD1, LOAD32 and LOAD53 and the substation power per phase.</summary>
public sealed class IeeeEuLvTimeSeriesTests(ITestOutputHelper output)
{
    [Fact]
    public void Day_long_series_match_OpenDSS_at_every_minute()
    {
        var network = IeeeFeederHelper.Network;
        var solver = new PowerFlowSolver(network);
        var injections = solver.CreateInjections();
        var result = solver.CreateResult();
        int[] loads = [1, 32, 53];
        var watched = loads.Select(n => network.Unit($"LOAD{n}")).ToArray();
        var references = loads.Select(Reference.LoadVoltage24h).ToArray();
        var substation = Reference.SubstationPowers24h();

        var worstV = new double[loads.Length];
        var worstAngle = 0.0;
        var worstP = 0.0;
        var lowest = (MinuteOfMin: 0, MinV: double.MaxValue);
        for (var minute = 1; minute <= 1440; minute++)
        {
            IeeeFeederHelper.ApplyMinute(injections, minute);
            solver.Solve(injections, PowerFlowMode.GridConnected, result);
            for (var k = 0; k < loads.Length; k++)
            {
                var bus = network.BusIndex(watched[k].Bus);
                var phase = (Phase)System.Numerics.BitOperations.TrailingZeroCount((int)watched[k].Phases);
                var (v, angle) = references[k][minute - 1];
                var magnitude = result.VoltageMagnitudeV(bus, phase);
                worstV[k] = Math.Max(worstV[k], Math.Abs(magnitude - v));
                worstAngle = Math.Max(worstAngle, Math.Abs(Math.IEEERemainder(result.VoltageAngleDeg(bus, phase) - angle, 360)));
                if (loads[k] == 53 && magnitude < lowest.MinV)
                {
                    lowest = (minute, magnitude);
                }
            }
            for (var p = Phase.A; p <= Phase.C; p++)
            {
                worstP = Math.Max(worstP, Math.Abs(result.SourcePowerKw(p) - substation[minute - 1].PKw[(int)p]));
            }
        }

        output.WriteLine($"max |dV| LOAD1 {worstV[0]:F5} V, LOAD32 {worstV[1]:F5} V, LOAD53 {worstV[2]:F5} V; max angle error {worstAngle:F4} deg; max substation dP {worstP:F5} kW");
        output.WriteLine($"LOAD53 minimum {lowest.MinV:F3} V at minute {lowest.MinuteOfMin} (OpenDSS: 237.093 V at minute 568)");
        Assert.All(worstV, e => Assert.True(e <= 0.01, $"voltage error {e} V"));
        Assert.True(worstAngle <= 0.01, $"angle error {worstAngle} deg");
        Assert.True(worstP <= 0.01, $"substation power error {worstP} kW");
        Assert.Equal(568, lowest.MinuteOfMin);
    }
}
