using MicroMarket.Hardware.Metering;
using Xunit;

namespace MicroMarket.Hardware.Tests;

public sealed class SlotEnergyIntegratorTests
{
    private static readonly DateTimeOffset Ten = new(2025, 6, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(15);

    [Fact]
    public void ConstantPowerGivesExactWattHoursPerSlot()
    {
        var integrator = new SlotEnergyIntegrator(maxSampleGap: TimeSpan.FromSeconds(15));
        var done = new List<SlotEnergy>();
        for (int s = 0; s <= 3600; s += 5)
        {
            done.AddRange(integrator.Add(new PowerSample(Ten.AddSeconds(s), 1000)));
        }

        // 10:00, 10:15, 10:30, 10:45 are complete; 11:00 is open. 1 kW × 15 min = 250 Wh,
        // in joules 180 × 5000 J = 900 000 J exactly, so no tolerance is needed.
        Assert.Equal(4, done.Count);
        Assert.All(done, slot =>
        {
            Assert.Equal(250.0, slot.ImportWh);
            Assert.Equal(0.0, slot.ExportWh);
            Assert.Equal(180, slot.SampleCount);
            Assert.Equal(Slot, slot.Covered);
            Assert.True(slot.IsComplete);
        });
        Assert.Equal([Ten, Ten + Slot, Ten + (2 * Slot), Ten + (3 * Slot)], done.Select(d => d.SlotStart));
        Assert.Equal(Ten.AddHours(1), integrator.OpenSlotStart);
    }

    [Fact]
    public void IntervalAcrossABoundaryIsSplitAtTheBoundary()
    {
        // Samples every 7 s from 09:59:58: no sample lands on 10:00 or 10:15.
        var integrator = new SlotEnergyIntegrator(TimeSpan.FromSeconds(20));
        var done = new List<SlotEnergy>();
        for (DateTimeOffset t = Ten.AddSeconds(-2); t <= Ten.AddMinutes(16); t = t.AddSeconds(7))
        {
            done.AddRange(integrator.Add(new PowerSample(t, -2000)));
        }

        SlotEnergy slot = done.Single(d => d.SlotStart == Ten);
        Assert.Equal(500.0, slot.ExportWh, 9);
        Assert.Equal(0.0, slot.ImportWh);
        Assert.Equal(-500.0, slot.NetWh, 9);
        Assert.True(slot.IsComplete);

        SlotEnergy first = done.Single(d => d.SlotStart == Ten - Slot);
        Assert.Equal(2000 * 2 / 3600.0, first.ExportWh, 9);
        Assert.Equal(TimeSpan.FromSeconds(2), first.Covered);
        Assert.Equal(1, first.GapCount); // before the first sample
    }

    [Fact]
    public void ZeroCrossingSplitsImportFromExport()
    {
        // +1000 W to -1000 W over 10 s: a 5 s triangle each side, 2500 J import and 2500 J export.
        var integrator = new SlotEnergyIntegrator(TimeSpan.FromSeconds(30));
        integrator.Add(new PowerSample(Ten, 1000));
        integrator.Add(new PowerSample(Ten.AddSeconds(10), -1000));
        SlotEnergy slot = integrator.CloseThrough(Ten + Slot).Single();

        Assert.Equal(2500 / 3600.0, slot.ImportWh, 12);
        Assert.Equal(2500 / 3600.0, slot.ExportWh, 12);
        Assert.Equal(0, slot.NetWh, 12);
    }

    [Fact]
    public void LongGapIsFlaggedNotEstimatedAndEverySlotIsReported()
    {
        var integrator = new SlotEnergyIntegrator(TimeSpan.FromSeconds(30));
        integrator.Add(new PowerSample(Ten, 600));
        integrator.Add(new PowerSample(Ten.AddMinutes(10), 600)); // 10 minutes of silence
        IReadOnlyList<SlotEnergy> done = integrator.Add(new PowerSample(Ten.AddMinutes(46), 600));

        Assert.Equal(3, done.Count);
        Assert.All(done, d => Assert.Equal(0, d.ImportWh));
        Assert.All(done, d => Assert.False(d.IsComplete));
        Assert.Equal(2, done[0].SampleCount);
        Assert.Equal(1, done[0].GapCount);
        Assert.Equal(TimeSpan.Zero, done[0].Covered);
        Assert.Equal(0, done[1].SampleCount);
        Assert.Equal(Slot, done[1].Uncovered);
        Assert.Equal(Ten.AddMinutes(30), done[2].SlotStart);
    }

    [Fact]
    public void GapInsideASlotCountsOnceAndTheRestIsIntegrated()
    {
        var integrator = new SlotEnergyIntegrator(TimeSpan.FromSeconds(10));
        var done = new List<SlotEnergy>();
        foreach (int s in new[] { 0, 5, 10, 70, 75, 900 - 5, 900 })
        {
            done.AddRange(integrator.Add(new PowerSample(Ten.AddSeconds(s), 3600)));
        }

        SlotEnergy slot = done.Single();
        Assert.Equal(2, slot.GapCount); // 10→70 s and 75→895 s
        Assert.Equal(TimeSpan.FromSeconds(20), slot.Covered);
        Assert.Equal(20.0, slot.ImportWh, 12); // 3600 W for 20 s
    }

    [Fact]
    public void CloseThroughReportsASilentMeterAndLaterSamplesContinue()
    {
        var integrator = new SlotEnergyIntegrator(TimeSpan.FromSeconds(10));
        integrator.Add(new PowerSample(Ten.AddMinutes(14), 100));
        integrator.Add(new PowerSample(Ten.AddMinutes(14).AddSeconds(5), 100));

        IReadOnlyList<SlotEnergy> closed = integrator.CloseThrough(Ten.AddMinutes(31));
        Assert.Equal([Ten, Ten + Slot], closed.Select(c => c.SlotStart));
        Assert.Equal(100 * 5 / 3600.0, closed[0].ImportWh, 12);
        Assert.Equal(2, closed[0].GapCount); // before the samples and after them

        // A late sample from a closed slot is refused; one in the open slot is taken.
        Assert.Empty(integrator.Add(new PowerSample(Ten.AddMinutes(29), 100)));
        Assert.Equal(1, integrator.RejectedSamples);
        integrator.Add(new PowerSample(Ten.AddMinutes(32), 100));
        Assert.Equal(Ten.AddMinutes(30), integrator.OpenSlotStart);
    }

    [Fact]
    public void OutOfOrderDuplicateAndNonFiniteSamplesAreRejected()
    {
        var integrator = new SlotEnergyIntegrator(TimeSpan.FromSeconds(10));
        integrator.Add(new PowerSample(Ten, 1));
        integrator.Add(new PowerSample(Ten, 2));
        integrator.Add(new PowerSample(Ten.AddSeconds(-1), 2));
        integrator.Add(new PowerSample(Ten.AddSeconds(1), double.NaN));
        Assert.Equal(3, integrator.RejectedSamples);
    }

    [Fact]
    public void SlotsAlignToQuarterHoursWhateverTheOffset()
    {
        var integrator = new SlotEnergyIntegrator(TimeSpan.FromSeconds(10));
        var local = new DateTimeOffset(2025, 6, 1, 12, 7, 30, TimeSpan.FromHours(2));
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 10, 0, 0, TimeSpan.Zero), integrator.SlotStartOf(local));
        Assert.Equal(new DateTimeOffset(1969, 12, 31, 23, 45, 0, TimeSpan.Zero), integrator.SlotStartOf(DateTimeOffset.UnixEpoch.AddSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlotEnergyIntegrator(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(7)));
    }
}
