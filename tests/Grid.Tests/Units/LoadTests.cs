using MicroMarket.Grid.Profiles;
using MicroMarket.Grid.Units;
using Xunit;

namespace MicroMarket.Grid.Tests.Units;

public sealed class LoadTests
{
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(15);

    [Fact]
    public void All_hundred_household_profiles_load_and_aggregation_preserves_energy()
    {
        for (var n = 1; n <= LoadProfiles.Count; n++)
        {
            var minutes = LoadProfiles.Get(n);
            var slots = LoadProfiles.Get(n, Slot);
            Assert.Equal(1440, minutes.Count);
            Assert.Equal(96, slots.Count);
            var minuteEnergy = minutes.Values.ToArray().Sum() / 60.0;
            var slotEnergy = slots.Values.ToArray().Sum() * 0.25;
            Assert.Equal(minuteEnergy, slotEnergy, 9);
        }
        // Slot 0 is the mean of minutes 1..15.
        Assert.Equal(Enumerable.Range(1, 15).Average(m => LoadProfiles.PowerKw(7, m)), LoadProfiles.Get(7, Slot)[0], 12);
    }

    [Fact]
    public void Household_load_scales_its_profile_and_repeats_daily()
    {
        var load = HouseholdLoad.FromIeeeProfile(3, Slot, scale: 2.0, powerFactor: 0.95);
        Assert.Equal(2.0 * LoadProfiles.Get(3, Slot)[10], load.DemandKw(10), 12);
        Assert.Equal(load.DemandKw(10), load.DemandKw(10 + 96), 12);
        Assert.Equal(load.DemandKw(10) * Math.Tan(Math.Acos(0.95)), load.ReactiveDemandKvar(10), 12);
        Assert.Equal(load.DemandKw(10) * 0.25, load.EnergyKwh(10), 12);
    }

    [Fact]
    public void Flexible_load_accepts_shifts_within_its_window_only()
    {
        // 6 kWh at up to 3 kW between slots 40 and 60: 8 full-power slots, latest start 52.
        var job = new FlexibleLoad(energyKwh: 6, windowStartSlot: 40, windowEndSlot: 60, maxPowerKw: 3, Slot, preferredStartSlot: 44);
        Assert.Equal(8, job.RunSlots);
        Assert.Equal(52, job.LatestStartSlot);
        Assert.True(job.AcceptsShift(40));
        Assert.True(job.AcceptsShift(52));
        Assert.False(job.AcceptsShift(53));
        Assert.False(job.AcceptsShift(39));
        Assert.True(job.Accepts(job.BaselineScheduleKw()));
        Assert.True(job.Accepts(job.ScheduleStartingAt(52)));
        Assert.Equal(3.0, job.BaselineScheduleKw()[4]);
        var spread = Enumerable.Repeat(6.0 / (20 * 0.25), 20).ToArray();
        Assert.True(job.Accepts(spread));
        Assert.False(job.Accepts(Enumerable.Repeat(1.0, 20).ToArray())); // 5 kWh only
    }

    [Fact]
    public void Flexible_load_is_forced_to_run_late_so_that_it_is_never_missed()
    {
        var job = new FlexibleLoad(6, 40, 60, 3, Slot);
        var delivered = 0.0;
        var taken = new List<double>();
        for (var slot = 40; slot < 60; slot++)
        {
            var step = job.Apply(slot, delivered, requestedDemandKw: 0.0); // the agent keeps postponing
            taken.Add(step.ActualDemandKw);
            delivered = step.DeliveredKwh;
        }
        Assert.Equal(0.0, job.UnservedKwh(delivered), 9);
        Assert.Equal(0.0, taken[11]);
        Assert.Equal(3.0, taken[12], 9);
        // Outside its window it takes nothing and asking for more is clipped.
        var outside = job.Apply(61, 0, 2.0);
        Assert.Equal((0.0, 2.0), (outside.ActualDemandKw, outside.ClippedKw));
    }
}
