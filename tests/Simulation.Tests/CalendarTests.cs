using MicroMarket.Simulation;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation.Tests;

public sealed class CalendarTests
{
    private static readonly MarketSettings Market = new(new TimeOnly(12, 0), 60, 15, 0, 3, 20, 0.3m, 1m, 0.05m, 500, 1, IntradayMinCorrectionWh: 0);

    [Fact]
    public void Genesis_is_local_midnight_and_gates_follow_the_settings()
    {
        var calendar = new SimulationCalendar(new ScenarioTime(new DateOnly(2026, 6, 15), 2, 15, "Europe/Madrid"), Market);
        Assert.Equal(new DateTimeOffset(2026, 6, 14, 22, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), calendar.GenesisUnix);
        Assert.Equal(96, calendar.SlotsPerDay);
        // D-1 12:00 local = 10:00 UTC on the 14th.
        Assert.Equal(new DateTimeOffset(2026, 6, 14, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), calendar.Parameters.DayAheadGate(0));
        Assert.Equal(calendar.GenesisUnix + 9 * 3600 - 3600, calendar.Parameters.IntradayGate(9));
    }

    [Fact]
    public void A_live_pace_scales_every_lead_and_window_and_keeps_model_time_for_profiles()
    {
        var time = new ScenarioTime(new DateOnly(2026, 6, 15), 1, 15, "Europe/Madrid");
        var live = new SimulationCalendar(time, Market, new LivePace(2_000_000_000, 6));
        var simulated = new SimulationCalendar(time, Market);

        Assert.Equal((6, 4, 96), (live.Parameters.SlotSeconds, live.SlotsPerHour, live.SlotsPerDay));
        Assert.Equal(24L * 4 * 6, live.Parameters.DaySeconds);
        // 12 h before the day at 1/150 of real time is 288 s; the intra-day gate's hour 24 s; the reading window 6 s.
        Assert.Equal(2_000_000_000 - 288, live.Parameters.DayAheadGate(0));
        Assert.Equal(2_000_000_000 + 5 * 24 - 24, live.Parameters.IntradayGate(5));
        Assert.Equal(6, live.Parameters.ReadingWindowSeconds);
        Assert.Equal(simulated.SlotStartUtc(37), live.SlotStartUtc(37));
        var phases = live.Timeline();
        Assert.Equal(simulated.Timeline().Select(p => (p.Kind, p.Period)), phases.Select(p => (p.Kind, p.Period)));
        Assert.Equal(2_000_000_000 + 96 * 6, phases.Single(p => p.Kind == PhaseKind.Delivery && p.Period == 95).UnixTime);
    }

    [Fact]
    public void The_timeline_moves_forward_and_puts_every_phase_before_its_use()
    {
        var calendar = new SimulationCalendar(new ScenarioTime(new DateOnly(2026, 3, 28), 3, 15, "Europe/Madrid"), Market);
        var timeline = calendar.Timeline();
        Assert.Equal(3 * (2 + 48 + 96) + 1, timeline.Count);
        Assert.Equal(PhaseKind.FinalSettlement, timeline[^1].Kind);
        Assert.True(timeline.Zip(timeline.Skip(1)).All(p => p.First.UnixTime <= p.Second.UnixTime));
        int IndexOf(PhaseKind kind, int period) => timeline.ToList().FindIndex(p => p.Kind == kind && p.Period == period);
        for (var slot = 0; slot < 3 * 96; slot++)
        {
            var hour = slot / 4;
            var delivery = IndexOf(PhaseKind.Delivery, slot);
            Assert.True(IndexOf(PhaseKind.DayAheadClearing, slot / 96) < IndexOf(PhaseKind.IntradayBidding, hour));
            Assert.True(IndexOf(PhaseKind.IntradayBidding, hour) < IndexOf(PhaseKind.IntradayClearing, hour));
            Assert.True(IndexOf(PhaseKind.IntradayClearing, hour) < delivery);
        }
        // A daylight-saving day (29 March 2026 in Madrid) still has 96 slots of 15 minutes.
        Assert.Equal(calendar.SlotStartUtc(96).AddDays(1), calendar.SlotStartUtc(192));
    }
}
