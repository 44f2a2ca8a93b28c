using MicroMarket.Hardware.Configuration;
using MicroMarket.Hardware.Metering;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MicroMarket.Hardware.Tests;

public sealed class SlotMeterTests
{
    [Fact]
    public void FakeNodeFollowingAScheduleMetersEachSlot()
    {
        // A PV unit in fake mode: exports 1.2 kW while its relay (export enable) is closed.
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 9, 59, 55, TimeSpan.Zero));
        using NodeHardware node = HardwareFactory.Create(new HardwareOptions { ShuntOhms = 0.01, MaxExpectedCurrentA = 15, MaxBusVoltageV = 16 }, clock);
        node.Simulation!.PowerWhenOnW = -120;
        var meter = new SlotMeter(node.Meter, clock, new SlotEnergyIntegrator(TimeSpan.FromSeconds(15)));
        var slots = new List<SlotEnergy>();

        // Slot 10:00 export enabled, 10:15 disabled, 10:30 enabled again; sample every 5 s.
        for (int step = 0; step <= 45 * 12 + 1; step++)
        {
            DateTimeOffset now = clock.GetUtcNow();
            node.Relay.Switch(now.Minute is < 15 or >= 30);
            slots.AddRange(meter.Sample());
            clock.Advance(TimeSpan.FromSeconds(5));
        }

        // -120 W for 15 min = 30 Wh. A switch shows at the sample taken with it, so the 5 s before
        // each switch is a ramp between -120 W and 0 (300 J, 1/12 Wh) in the slot before it:
        // 10:14:55-10:15:00 in the 10:00 slot, 10:29:55-10:30:00 in the 10:15 slot.
        SlotEnergy s1000 = slots.Single(s => s.SlotStart.Minute == 0 && s.SlotStart.Hour == 10);
        SlotEnergy s1015 = slots.Single(s => s.SlotStart.Minute == 15);
        SlotEnergy s1030 = slots.Single(s => s.SlotStart.Minute == 30);
        Assert.Equal(30 - (1 / 12.0), s1000.ExportWh, 1e-6);
        Assert.Equal(1 / 12.0, s1015.ExportWh, 1e-6);
        Assert.Equal(30, s1030.ExportWh, 1e-6);
        Assert.All([s1000, s1015, s1030], s => Assert.Equal(0, s.ImportWh));
        Assert.All([s1000, s1015, s1030], s => Assert.True(s.IsComplete));
        Assert.Equal(0, meter.FailedReads);
    }

    [Fact]
    public void FailedReadsBecomeGaps()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 10, 0, 0, TimeSpan.Zero));
        using NodeHardware node = HardwareFactory.Create(new HardwareOptions(), clock);
        node.Simulation!.PowerWhenOnW = 24;
        node.Relay.Switch(true);
        var meter = new SlotMeter(node.Meter, clock, new SlotEnergyIntegrator(TimeSpan.FromSeconds(12)));
        var slots = new List<SlotEnergy>();
        for (int step = 0; step <= 181; step++)
        {
            node.Simulation.Ina219!.Disconnected = step is > 60 and < 70;
            slots.AddRange(meter.Sample());
            clock.Advance(TimeSpan.FromSeconds(5));
        }

        SlotEnergy slot = slots.Single();
        Assert.Equal(9, meter.FailedReads);
        Assert.Equal(1, slot.GapCount);
        Assert.Equal(TimeSpan.FromSeconds(900 - 50), slot.Covered);
        Assert.Equal(24 * 850 / 3600.0, slot.ImportWh, 1e-6);
        Assert.NotNull(meter.LastReading);
    }
}
