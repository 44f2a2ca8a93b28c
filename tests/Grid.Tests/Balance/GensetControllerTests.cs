using MicroMarket.Grid.Balance;
using Xunit;

namespace MicroMarket.Grid.Tests.Balance;

/// <summary>Unit commitment: start only when storage cannot carry the look-ahead, minimum up and down times, cycle charging.</summary>
public sealed class GensetControllerTests
{
    private const double Hours = 0.25;

    private static GensetController Controller(GensetDispatchRule rule = GensetDispatchRule.LoadFollowing, int minUp = 4, int minDown = 2, double reserve = 0.1,
        bool largestUnit = false) =>
        new(new GensetCommitment(minUp, minDown, reserve, largestUnit, rule, LookAheadSlots: 8, Hours), ratedKw: 40);

    /// <summary>
    /// A net load of <paramref name="netKw"/> with storage holding <paramref name="energyKwh"/> above its reserve and 10 kW of discharge;
    /// the largest single infeed <paramref name="largestInfeedKw"/>.
    /// </summary>
    private static IslandOutlook Outlook(double netKw, double energyKwh, double chargeToSetpointKw = 0, bool online = true, double largestInfeedKw = 0) =>
        new(netKw, Math.Max(netKw, 0), largestInfeedKw, online, energyKwh, 10, chargeToSetpointKw);

    [Fact]
    public void It_stays_off_while_storage_carries_the_look_ahead()
    {
        var controller = Controller();
        Assert.False(controller.Plan(Outlook(2, energyKwh: 4.1)).Committed); // 2 kW for 2 h is 4 kWh
    }

    [Fact]
    public void It_starts_when_storage_cannot_carry_the_look_ahead()
    {
        var controller = Controller();
        Assert.True(controller.Plan(Outlook(2, energyKwh: 3.9)).Committed);
        Assert.True(Controller().Plan(Outlook(9.5, energyKwh: 100)).Committed); // 9.5 kW + 10 % reserve > 10 kW of discharge
        Assert.True(Controller().Plan(Outlook(0.5, energyKwh: 100, online: false)).Committed); // nothing else forms the grid
    }

    /// <summary>
    /// The N-1 rule: with <c>reserve_largest_unit</c> the reserve covers the trip of the largest infeed even when 10 % of
    /// the load asks less. 3 kW net load (0.3 kW of reserve by the fraction) with a 8 kW PV array online: storage's 10 kW
    /// of discharge cannot hold 3 + 8 kW, so the genset is committed; without the rule it stays off.
    /// </summary>
    [Fact]
    public void The_reserve_covers_the_largest_infeed_when_asked()
    {
        var outlook = Outlook(3, energyKwh: 100, largestInfeedKw: 8);
        var n1 = Controller(largestUnit: true).Plan(outlook);
        Assert.True(n1.Committed);
        Assert.Equal(8, n1.ReserveRequiredKw, 12);
        var fraction = Controller().Plan(outlook);
        Assert.False(fraction.Committed);
        Assert.Equal(0.3, fraction.ReserveRequiredKw, 12);
        Assert.False(Controller(largestUnit: true).Plan(Outlook(3, energyKwh: 100, largestInfeedKw: 6.9)).Committed); // 3 + 6.9 <= 10
    }

    [Fact]
    public void The_minimum_up_time_keeps_a_started_genset_on()
    {
        var controller = Controller(minUp: 4);
        var committed = new List<bool>();
        var need = Outlook(2, energyKwh: 1);
        var gone = Outlook(0, energyKwh: 50);
        foreach (var outlook in new[] { need, gone, gone, gone, gone, gone })
        {
            var plan = controller.Plan(outlook);
            committed.Add(plan.Committed);
            controller.Ran(plan.Committed);
        }
        Assert.Equal([true, true, true, true, false, false], committed);
    }

    [Fact]
    public void The_minimum_down_time_blocks_a_restart_unless_storage_cannot_carry_the_slot()
    {
        var controller = Controller(minUp: 1, minDown: 3);
        controller.Ran(true);
        controller.Ran(false);
        Assert.False(controller.Plan(Outlook(2, energyKwh: 1)).Committed); // 0.5 kWh this slot: storage carries it
        var emergency = controller.Plan(Outlook(2, energyKwh: 0.4)); // not even this slot
        Assert.True(emergency.Committed && emergency.Emergency);
        controller.Ran(false);
        controller.Ran(false);
        var planned = controller.Plan(Outlook(2, energyKwh: 1)); // down time served: the look-ahead rules again
        Assert.True(planned.Committed && !planned.Emergency);
    }

    [Fact]
    public void Cycle_charging_keeps_running_until_storage_reaches_its_set_point()
    {
        var controller = Controller(GensetDispatchRule.CycleCharging, minUp: 1);
        controller.Ran(true);
        controller.Ran(true);
        var charging = controller.Plan(Outlook(1, energyKwh: 50, chargeToSetpointKw: 6));
        Assert.True(charging.Committed);
        Assert.Equal(6, charging.ExtraKw);
        Assert.False(controller.Plan(Outlook(1, energyKwh: 50, chargeToSetpointKw: 0)).Committed);

        var following = Controller(GensetDispatchRule.LoadFollowing, minUp: 1);
        following.Ran(true);
        following.Ran(true);
        var plan = following.Plan(Outlook(1, energyKwh: 50, chargeToSetpointKw: 6));
        Assert.False(plan.Committed); // load following never runs to charge storage
        Assert.Equal(0, plan.ExtraKw);
    }

    [Fact]
    public void The_reserve_is_the_fraction_of_load_and_what_the_genset_and_storage_hold_beyond_the_net_load()
    {
        var plan = Controller(reserve: 0.1).Plan(Outlook(12, energyKwh: 100));
        Assert.True(plan.Committed);
        Assert.Equal(1.2, plan.ReserveRequiredKw, 9);
        Assert.Equal(40 + 10 - 12, plan.ReserveAvailableKw, 9);
    }
}
