using System.Numerics;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Orders;
using MicroMarket.Market.Tests.Chain;
using MicroMarket.RunFormat;

namespace MicroMarket.Market.Tests.Contracts;

/// <summary>
/// The storage ring (docs/market-rules.md, "Storage ring"): day d reuses the per-unit storage of day
/// d - RING_DAYS, so each rule is tested against the participant who would profit from what an
/// earlier day left in the words: overwriting a day not yet settled, stale orders read as live,
/// a stale reading read as this slot's, a stale clearing outcome or bidder read as this period's, a
/// recycled day settled twice, and the registry's code run outside the market.
/// </summary>
[Collection(AnvilCollection.Name)]
public sealed class RingTests(AnvilFixture fx)
{
    private const long T = AnvilFixture.Deployed + 100;
    private static readonly MarketParameters P = AnvilFixture.Parameters;
    private readonly MarketHarness _h = new(fx);

    private static uint FirstSlot(uint day) => day * (uint)P.SlotsPerDay;

    [Fact]
    public async Task The_ring_holds_three_days()
    {
        Assert.Equal(3u, await fx.Market.QueryValueAsync<RING_DAYSFunction, uint>(new()));
    }

    [Fact]
    public Task A_day_reuses_the_storage_of_an_earlier_day_only_once_every_unit_of_it_is_settled() => fx.IsolatedAsync(async () =>
    {
        var (buyer, seller, slack) = await TradeDayZeroAsync();
        var griefer = EthKey.Derive("ring-griefer", 0);
        await fx.FundAsync([griefer]);
        var reuse = P.DayAheadGate(3) - 3600;

        // Day 0 is cleared but nobody settled it: day 3 would overwrite its orders and records.
        // (The BRP bids here: the others owe the missing-reading worst case once settled, and a unit in debt cannot bid.)
        var bid = fx.Market.SubmitDayAhead(slack.Trader, slack.Index, 3, null, _h.EveryDaySlot(200_000, 100));
        var refused = await _h.RevertsAsync<Ring__DayUnsettledError>(reuse, bid);
        Assert.Equal((3u, 0u, 96u), (refused.Day, refused.Occupant, refused.OpenSlots));

        // Anyone may settle once the windows have closed, and the day frees its storage.
        var units = new[] { buyer.Index, seller.Index, slack.Index };
        await _h.SucceedAsync(reuse, Enumerable.Range(0, P.SlotsPerDay).Select(s => fx.Market.Settle(griefer, (uint)s, units)).ToArray());
        var opened = (await _h.SucceedAsync(reuse, fx.Market.SubmitDayAhead(slack.Trader, slack.Index, 3, null, _h.EveryDaySlot(200_000, 100))))[0];
        Assert.Equal(3u, Assert.Single(opened.Events<DayOpenedEventDTO>()).Day);

        // Day 0 now lives in its events only: its views and a second settlement are refused.
        var views = new Func<Task>[]
        {
            () => fx.Market.QueryAsync<CurvesFunction, CurvesOutputDTO>(new() { Stage = (byte)MarketStage.DayAhead, Slot = 0, Unit = buyer.Index }),
            () => fx.Market.PositionsAsync(MarketStage.DayAhead, 0, 1, buyer.Index),
            () => fx.Market.MeterRecordAsync(0, buyer.Index),
            () => fx.Market.QueryAsync<MeterRecordsFunction, MeterRecordsOutputDTO>(new() { Slot = 0, Units = [buyer.Index] }),
            () => fx.Market.ResultsAsync(MarketStage.Intraday, 0, 1),
            () => fx.Market.QueryAsync<SlotStateFunction, SlotStateOutputDTO>(new() { Slot = 0 }),
        };
        foreach (var view in views)
        {
            var error = await Assert.ThrowsAsync<ContractRevertException>(view);
            Assert.True(error.Is<Ring__DayRecycledError>(), error.Message);
            Assert.Equal((0u, 3u), (error.As<Ring__DayRecycledError>().Day, error.As<Ring__DayRecycledError>().Occupant));
        }
        await _h.RevertsAsync<Ring__DayRecycledError>(reuse, fx.Market.Settle(griefer, 0, units));
    });

    [Fact]
    public Task A_side_not_bid_and_a_record_not_written_read_as_empty_though_their_words_hold_an_earlier_days() => fx.IsolatedAsync(async () =>
    {
        var (buyer, seller, slack) = await TradeDayZeroAsync(settle: true);
        var day3 = FirstSlot(3);
        var gate = P.DayAheadGate(3);
        // Day 0's words of the seller hold a sell at 0.10; on day 3 it only buys, at 0.05, and nobody
        // sells: the day-3 buy at 0.40 would trade with that sell if a stale word were read as live.
        await _h.SucceedAsync(gate - 3600,
            fx.Market.SubmitDayAhead(seller.Trader, seller.Index, 3, _h.EveryDaySlot(50_000, 100), null),
            fx.Market.SubmitDayAhead(buyer.Trader, buyer.Index, 3, _h.EveryDaySlot(400_000, 100), null));
        var curves = await fx.Market.QueryAsync<CurvesFunction, CurvesOutputDTO>(new() { Stage = (byte)MarketStage.DayAhead, Slot = day3, Unit = seller.Index });
        Assert.Equal(BigInteger.Zero, curves.Sell);
        // What the seller has locked is day 3's bid alone: 96 x 0.05 x 100 Wh, nothing of day 0's offer.
        Assert.Equal(96 * 50_000 * (BigInteger)100, (await fx.Market.AccountAsync(seller.Index)).LockedNano);
        // Day 0's clearing outcomes sit in the words day 3 reuses: none of them reads as day 3's.
        Assert.False((await fx.Market.ResultsAsync(MarketStage.DayAhead, day3, 1))[0].Cleared);
        var state = (await fx.Market.QueryAsync<SlotStateFunction, SlotStateOutputDTO>(new() { Slot = day3 })).ReturnValue1;
        Assert.Equal((day3, false, false, 0u, false), (state.Slot, state.DayAheadCleared, state.IntradayCleared, state.SettledUnits, state.Closed));

        await _h.SucceedAsync(gate, fx.Market.Clear(fx.Operator, MarketStage.DayAhead, day3, 96));
        // Slot 0's intra-day auction was cleared; slot 288's is not, so settling it (at day 0's intra-day price) is refused.
        var notCleared = await _h.RevertsAsync<Settlement__NotClearedError>(P.SlotEnd(day3) + P.ReadingWindowSeconds, fx.Market.Settle(fx.Operator, day3, [seller.Index]));
        Assert.Equal(((byte)MarketStage.Intraday, day3), (notCleared.Stage, notCleared.Slot));
        var result = (await fx.Market.ResultsAsync(MarketStage.DayAhead, day3, 1))[0];
        Assert.Equal(0ul, result.VolumeWh);
        var (bought, sold) = await fx.Market.PositionsAsync(MarketStage.DayAhead, day3, 1, seller.Index);
        Assert.Equal((0ul, 0ul), (bought[0], sold[0]));

        // The record word of slot 0 is settled and holds a reading; slot 288's record is empty until written.
        var record = await fx.Market.MeterRecordAsync(day3, seller.Index);
        Assert.Equal((day3, false, false, 0ul, 0ul), (record.Slot, record.Reported, record.Settled, record.ImportWh, record.ExportWh));
    });

    [Fact]
    public Task The_registrys_code_refuses_to_run_at_its_own_address() => fx.IsolatedAsync(async () =>
    {
        var opened = Assert.Single(await fx.Market.EventsAsync<MarketOpenedEventDTO>());
        var direct = new TxRequest(fx.Operator, opened.Registry,
            CallData.Of(new RegisterUnitsFunction { Specs = [] }), 200_000, "register at the registry's own address");
        var outcome = (await fx.Pipeline.ExecuteAsync([direct], T))[0];
        var revert = Assert.IsType<ContractRevertException>(outcome.Failure);
        Assert.True(revert.Is<Registry__NotDelegatedError>(), revert.Message);
    });

    /// <summary>
    /// A buyer (0.40) and a seller (0.10) trade 100 Wh in every slot of day 0; both auctions are
    /// cleared after the day. With <paramref name="settle"/> every slot is metered as traded (in its
    /// window) and settled after the day, without any imbalance.
    /// </summary>
    private async Task<(Participant Buyer, Participant Seller, Participant Slack)> TradeDayZeroAsync(bool settle = false)
    {
        var units = await _h.RegisterAsync(T, new UnitSetup("ring-buyer"), new UnitSetup("ring-seller", UnitKind.Pv), new UnitSetup("ring-slack", UnitKind.Slack, BalanceResponsible: true));
        var (buyer, seller, slack) = (units[0], units[1], units[2]);
        await _h.SucceedAsync(T,
            fx.Market.SubmitDayAhead(buyer.Trader, buyer.Index, 0, _h.EveryDaySlot(400_000, 100), null),
            fx.Market.SubmitDayAhead(seller.Trader, seller.Index, 0, null, _h.EveryDaySlot(100_000, 100)));
        if (settle)
        {
            for (var s = 0u; s < FirstSlot(1); s++)
            {
                await _h.SucceedAsync(P.SlotEnd(s), fx.Market.ReportReadings(fx.Operator, [_h.Reading(buyer, s, 100, 0), _h.Reading(seller, s, 0, 100), _h.Reading(slack, s, 0, 0)]));
            }
        }
        var afterDay = P.SlotEnd(FirstSlot(1) - 1) + P.ReadingWindowSeconds;
        await _h.SucceedAsync(afterDay, fx.Market.Clear(fx.Operator, MarketStage.DayAhead, 0, 96), fx.Market.Clear(fx.Operator, MarketStage.Intraday, 0, 96));
        Assert.Equal(100ul, (await fx.Market.ResultsAsync(MarketStage.DayAhead, 0, 1))[0].VolumeWh);
        if (settle)
        {
            var everyone = new[] { buyer.Index, seller.Index, slack.Index };
            await _h.SucceedAsync(afterDay, Enumerable.Range(0, P.SlotsPerDay).Select(s => fx.Market.Settle(fx.Operator, (uint)s, everyone)).ToArray());
        }
        return (buyer, seller, slack);
    }
}
