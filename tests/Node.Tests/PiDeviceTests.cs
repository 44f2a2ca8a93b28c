using System.Device.Gpio;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Hardware.Configuration;
using MicroMarket.Hardware.Fakes;
using MicroMarket.Node.Pi;
using MicroMarket.Node.Deployment;
using Microsoft.Extensions.Time.Testing;

namespace MicroMarket.Node.Tests;

/// <summary>
/// A Pi unit's relay and meter as its device, on the fake GPIO chip and the simulated INA219 of
/// src/Hardware with a fake clock: the relay follows the schedule slot by slot, the meter is
/// integrated per slot and scaled from the bench to the modelled unit and from the slot's wall
/// length to the market's 15 minutes.
/// </summary>
public sealed class PiDeviceTests
{
    private const int RelayPin = 17;

    /// <summary>A Pi bench on a fake clock, driven the way the unit's actor drives its device.</summary>
    private sealed class Bench : IDisposable
    {
        private static readonly DateTimeOffset Genesis = new(2026, 6, 15, 10, 0, 0, TimeSpan.Zero);

        public Bench(double powerScale = 1000, bool activeLow = false, int slotSeconds = 10)
        {
            Settings = new PiUnitSettings("house-1", KeysFile: null, MeterKeyFile: null, powerScale, TimeSpan.FromSeconds(1),
                new HardwareOptions { Driver = HardwareDriver.Fake, RelayPin = RelayPin, RelayActiveLow = activeLow, Meter = MeterKind.Ina219 });
            SlotLength = TimeSpan.FromSeconds(slotSeconds);
            Hardware = HardwareFactory.Create(Settings.Hardware, Clock);
            Device = new PiDevice(Hardware, Settings, MicroMarket.Market.Chain.EthKey.Derive("pi-device-tests/meter", 0), Clock, Log.Add);
        }

        public PiUnitSettings Settings { get; }

        public FakeTimeProvider Clock { get; } = new(Genesis);

        public TimeSpan SlotLength { get; }

        public NodeHardware Hardware { get; }

        public SimulatedUnit Simulation => Hardware.Simulation!;

        public FakeGpioDriver Gpio => Simulation.Gpio;

        public PiDevice Device { get; }

        public List<string> Log { get; } = [];

        /// <summary>Slot <paramref name="n"/> on the wall clock, standing for 15 minutes of the market.</summary>
        public SlotTime Slot(int n) => new(n, Genesis + (n * SlotLength), SlotLength, TimeSpan.FromMinutes(15));

        /// <summary>
        /// Slot by slot, as the unit's sampling timer does: as a slot starts, follow its schedule,
        /// then (a moment later, as time passes between two calls) sample, and once a second after;
        /// then the first tick of the slot after, which follows the last schedule on and closes the
        /// last slot with its reading.
        /// </summary>
        public void Run(params double[] plannedKw)
        {
            for (var n = 0; n <= plannedKw.Length; n++)
            {
                var slot = Slot(n);
                Clock.SetUtcNow(slot.Start);
                Device.Follow(slot, plannedKw[Math.Min(n, plannedKw.Length - 1)]);
                for (var t = Moment; t < (n < plannedKw.Length ? SlotLength : Moment + Moment); t += Settings.SampleInterval)
                {
                    Clock.SetUtcNow(slot.Start + t);
                    Device.Sample();
                }
            }
        }

        /// <summary>Between switching the relay and the next reading; short enough not to show in whole Wh.</summary>
        public static readonly TimeSpan Moment = TimeSpan.FromMilliseconds(1);

        /// <summary>Samples at these times into slot 0.</summary>
        public void SampleAt(params TimeSpan[] times)
        {
            foreach (var t in times)
            {
                Clock.SetUtcNow(Slot(0).Start + t);
                Device.Sample();
            }
        }

        /// <summary>A moment after the relay switched, then every second from 1 s to <paramref name="lastSecond"/>.</summary>
        public static TimeSpan[] Ticks(int lastSecond) => [Moment, .. Enumerable.Range(1, lastSecond).Select(s => TimeSpan.FromSeconds(s))];

        public void Dispose() => Device.Dispose();
    }

    /// <summary>The relay line's level for on or off.</summary>
    private static PinValue Level(bool on, bool activeLow) => on != activeLow ? PinValue.High : PinValue.Low;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_relay_closes_for_power_either_way_and_opens_for_none(bool activeLow)
    {
        using var bench = new Bench(activeLow: activeLow);
        // Generator convention: negative consumes, positive produces.
        double[] schedule = [0, -2, 0, 1.5, 1e-12, -0.5];
        bool[] expected = [false, true, false, true, false, true];

        for (var n = 0; n < schedule.Length; n++)
        {
            bench.Device.Follow(bench.Slot(n), schedule[n]);

            Assert.Equal(expected[n], bench.Hardware.Relay.IsOn);
            Assert.Equal(Level(expected[n], activeLow), bench.Gpio.LevelOf(RelayPin));
            Assert.Equal(expected[n], bench.Simulation.RelayClosed);
        }

        Assert.Equal(expected.Select((on, n) => (n, on)), bench.Device.Switchings);
        Assert.Equal("slot 1: schedule -2 kW, relay on", bench.Log[1]);
        Assert.Equal("slot 3: schedule 1.5 kW, relay on", bench.Log[3]);
        Assert.Equal("slot 4: schedule 0 kW, relay off", bench.Log[4]);
    }

    [Theory]
    [InlineData(-2.0, 2.0)]
    [InlineData(1.5, -1.5)]
    [InlineData(0.0, 0.0)]
    public void The_simulated_bench_draws_the_schedule_scaled_down_importing_for_consumption(double plannedKw, double benchW)
    {
        using var bench = new Bench(powerScale: 1000);

        bench.Device.Follow(bench.Slot(0), plannedKw);

        Assert.Equal(benchW, bench.Simulation.PresentPowerW, 12);
    }

    [Fact]
    public void A_relay_that_does_not_follow_its_command_is_logged_as_a_fault()
    {
        using var bench = new Bench();
        bench.Gpio.StickPin(RelayPin, PinValue.Low);

        bench.Device.Follow(bench.Slot(0), -1);

        Assert.Equal("slot 0: RELAY FAULT: commanded on, reads off", Assert.Single(bench.Log));
    }

    [Fact]
    public void A_slot_of_steady_consumption_is_measured_as_the_scheduled_energy()
    {
        using var bench = new Bench(powerScale: 1000);

        // 6 kW for 15 minutes is 1500 Wh; the bench draws 6 W (0.5 A at 12 V) for the 10 s the slot lasts on the wall.
        bench.Run(-6, -6);

        var measured = bench.Device.Measure(bench.Slot(0));
        Assert.Equal(new MeasuredEnergy(ImportWh: 1500, ExportWh: 0), measured);
        Assert.Equal(-6, measured.AveragePowerKw(TimeSpan.FromMinutes(15)), 9);
        Assert.Equal(new MeasuredEnergy(ImportWh: 1500, ExportWh: 0), bench.Device.Measure(bench.Slot(1)));
        Assert.Equal("slot 1: measured 1500 Wh in, 0 Wh out (11 samples)", bench.Log[^1]);
    }

    [Fact]
    public void A_slot_of_steady_production_is_measured_as_export()
    {
        using var bench = new Bench(powerScale: 1000);

        // 3 kW out: the bench feeds 3 W back (-0.25 A through the shunt, a negative current register).
        bench.Run(3);

        var measured = bench.Device.Measure(bench.Slot(0));
        Assert.Equal(new MeasuredEnergy(ImportWh: 0, ExportWh: 750), measured);
        Assert.Equal(3, measured.AveragePowerKw(TimeSpan.FromMinutes(15)), 9);
    }

    [Fact]
    public void Each_slot_keeps_what_flowed_in_it_when_the_relay_switches_at_its_boundaries()
    {
        using var bench = new Bench(powerScale: 1000);

        bench.Run(-6, 0, -6, 3, 0);

        Assert.Equal(new MeasuredEnergy(1500, 0), bench.Device.Measure(bench.Slot(0)));
        Assert.Equal(new MeasuredEnergy(0, 0), bench.Device.Measure(bench.Slot(1)));
        Assert.Equal(new MeasuredEnergy(1500, 0), bench.Device.Measure(bench.Slot(2)));
        Assert.Equal(new MeasuredEnergy(0, 750), bench.Device.Measure(bench.Slot(3)));
        Assert.Equal(new MeasuredEnergy(0, 0), bench.Device.Measure(bench.Slot(4)));
    }

    [Fact]
    public void A_slot_with_the_relay_open_is_measured_as_nothing()
    {
        using var bench = new Bench();

        bench.Run(0);

        Assert.Equal(new MeasuredEnergy(0, 0), bench.Device.Measure(bench.Slot(0)));
        Assert.Equal("slot 0: measured 0 Wh in, 0 Wh out (11 samples)", bench.Log[^1]);
    }

    [Theory]
    [InlineData(0.3, 12.0, 250.0, 225, 0)]     // 3.6 W in at a power scale of 250: a 900 W house
    [InlineData(-0.25, 12.0, 500.0, 0, 375)]   // 3 W out at 500: 1.5 kW of PV
    [InlineData(-0.1, 24.0, 1000.0, 0, 600)]   // 2.4 W out at 1000: 2.4 kW
    [InlineData(1.5, 8.0, 10.0, 30, 0)]        // 12 W in at 10: 120 W
    public void What_the_meter_reads_is_scaled_by_the_power_scale_to_the_modelled_unit(double currentA, double busV, double powerScale, long importWh, long exportWh)
    {
        using var bench = new Bench(powerScale: powerScale);
        bench.Device.Follow(bench.Slot(0), -1);

        // Whatever the schedule asked, the meter says what flowed: a real bench is never exact.
        bench.Simulation.Ina219!.SetLoad(currentA, bench.Settings.Hardware.ShuntOhms, busV);
        bench.SampleAt(Bench.Ticks(10));

        Assert.Equal(new MeasuredEnergy(importWh, exportWh), bench.Device.Measure(bench.Slot(0)));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(60)]
    public void However_long_a_slot_lasts_on_the_wall_it_is_measured_as_15_minutes(int slotSeconds)
    {
        using var bench = new Bench(powerScale: 1000, slotSeconds: slotSeconds);

        bench.Run(-4.8, -4.8, 2.4, 2.4);

        Assert.Equal(new MeasuredEnergy(1200, 0), bench.Device.Measure(bench.Slot(0)));
        Assert.Equal(new MeasuredEnergy(0, 600), bench.Device.Measure(bench.Slot(3)));
    }

    [Fact]
    public void A_meter_that_falls_silent_leaves_the_rest_of_the_slot_unmeasured()
    {
        using var bench = new Bench(powerScale: 1000);
        bench.Device.Follow(bench.Slot(0), -6);

        // Readings up to 4 s, then none: 4 s of the 10 s are covered.
        bench.SampleAt(Bench.Ticks(4));
        bench.Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(new MeasuredEnergy(600, 0), bench.Device.Measure(bench.Slot(0)));
        Assert.Equal("slot 0: measured 600 Wh in, 0 Wh out (6 samples, 1 gap(s))", bench.Log[^1]);
    }

    [Fact]
    public void A_slot_without_readings_is_reported_as_nothing_measured()
    {
        using var bench = new Bench();

        Assert.Equal(new MeasuredEnergy(0, 0), bench.Device.Measure(bench.Slot(0)));
        Assert.Equal("slot 0: no samples, reported as 0 Wh", Assert.Single(bench.Log));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Disposing_the_device_leaves_the_relay_off(bool activeLow)
    {
        var bench = new Bench(activeLow: activeLow);
        bench.Device.Follow(bench.Slot(0), -1);
        Assert.Equal(Level(on: true, activeLow), bench.Gpio.LevelOf(RelayPin));

        bench.Dispose();

        Assert.Equal(new PinWrite(RelayPin, Level(on: false, activeLow)), bench.Gpio.Writes[^1]);
        Assert.Equal(Level(on: false, activeLow), bench.Gpio.LevelOf(RelayPin));
        Assert.False(bench.Gpio.IsOpen(RelayPin));
        Assert.False(bench.Hardware.Relay.IsOn);
        Assert.Equal(0, bench.Simulation.PresentPowerW);
    }
}
