using System.Numerics;
using CsCheck;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Orders;
using MicroMarket.Market.Settlement;
using MicroMarket.Market.Tests.Chain;
using MicroMarket.Market.Tests.Contracts;
using MicroMarket.RunFormat;
using SettlementTotalSupply = MicroMarket.Market.Contracts.SettlementTokenDefinition.TotalSupplyFunction;

namespace MicroMarket.Market.Tests.Differential;

/// <summary>
/// Random days of a market with honest units, a gaming unit and a griefer: deposits and
/// withdrawals (the BRP's too), day-ahead and intra-day orders (with self-crossing and over-rating
/// attempts), readings (honest, withheld, inflated above the rating, relayed first by the griefer),
/// operator instructions (curtailment and balancing energy), settlements in random order (some
/// pre-empted by the griefer, some repeated), and a make-whole uplift over each day's slots. After every block: the token supply is unchanged, the escrow holds exactly what it
/// owes (tokens x 1000 = balances + clearing house + claims fund), balance >= locked everywhere,
/// the BRP's claims are exactly its debt plus the fund. Every settlement the contract emits equals
/// the settlement rule recomputed here from the chain's positions and prices (trade, deviation,
/// imbalance, fee), and every unit's money moved by exactly the sum of its settlements, deposits
/// and withdrawals: no unit loses money it was owed. Every slot closes (all units settled).
/// </summary>
[Collection(AnvilCollection.Name)]
public sealed class ConservationTests(AnvilFixture fx)
{
    private const int SettledSlots = 8;
    private const uint Rating = 3000;
    private readonly MarketHarness _h = new(fx);

    [Fact]
    public Task Tokens_are_conserved_every_slot_settles_and_nobody_loses_what_it_was_owed() => fx.IsolatedAsync(async () =>
    {
        var t0 = AnvilFixture.Deployed + 100;
        var units = await _h.RegisterAsync(t0,
            new UnitSetup("slack", UnitKind.Slack, BalanceResponsible: true, MaxWhPerSlot: 20_000, DepositMicro: 40_000_000_000),
            new UnitSetup("pv", UnitKind.Pv, MaxWhPerSlot: Rating, MarginNano: 50_000_000),
            new UnitSetup("battery", UnitKind.Battery, MaxWhPerSlot: Rating, MarginNano: 50_000_000),
            new UnitSetup("load-1", MaxWhPerSlot: Rating, DepositMicro: 2_000_000_000),
            new UnitSetup("load-2", MaxWhPerSlot: Rating, DepositMicro: 3_000),
            new UnitSetup("gamer", UnitKind.Battery, MaxWhPerSlot: Rating, DepositMicro: 1_500_000_000));
        var griefer = EthKey.Derive("griefer", 7);
        await fx.FundAsync([griefer]);
        var state = new Ledger(fx, units, await TotalSupply());
        await state.SnapshotStartAsync();
        var day = 0u;
        await Gen.Int.SampleAsync(async seed =>
        {
            await RunDay(state, griefer, day++, new Random(seed));
        }, iter: 3, threads: 1, print: seed => $"seed {seed}");
        Assert.Equal(3 * SettledSlots * units.Count, state.Settlements);
        await state.CheckMoneyAsync();
    });

    /// <summary>Trades, meters and settles the first slots of <paramref name="day"/>.</summary>
    private async Task RunDay(Ledger state, EthKey griefer, uint day, Random random)
    {
        var p = fx.Market.Parameters;
        var market = fx.Market;
        var units = state.Units;
        var brp = units[0];
        var gamer = units[^1];
        var gate = p.DayAheadGate(day);
        var firstSlot = day * (uint)p.SlotsPerDay;

        await state.AttemptAsync(gate - 3600, units.Where(_ => random.Next(3) == 0)
            .Select(u => market.Withdraw(u.Trader, u.Index, u == brp ? random.Next(1, 30_000_000) * 1000L : random.Next(1, 2_000_000), u.Trader.Address)));
        // The gaming unit tries a self-crossing pair and an offer above its rating: both refused.
        await state.RevertsAsync<Auction__SelfCrossingError>(gate - 3500, market.SubmitDayAhead(gamer.Trader, gamer.Index, day,
            _h.EveryDaySlot(p.PriceCapMicroPerKwh, 1), _h.EveryDaySlot(p.PriceCapMicroPerKwh, 1)));
        await state.RevertsAsync<Auction__AboveRatingError>(gate - 3500, market.SubmitDayAhead(gamer.Trader, gamer.Index, day, null, _h.EveryDaySlot(0, Rating + 1)));
        await state.AttemptAsync(gate - 3000, units.Select(u => market.SubmitDayAhead(u.Trader, u.Index, day,
            Curves(random, p.SlotsPerDay, u.Setup.Kind is UnitKind.Load or UnitKind.Battery or UnitKind.Slack, buy: true),
            Curves(random, p.SlotsPerDay, u.Setup.Kind is UnitKind.Pv or UnitKind.Battery or UnitKind.Slack, buy: false))));
        var hour = firstSlot / (uint)p.SlotsPerHour;
        for (var h = hour; h < hour + SettledSlots / p.SlotsPerHour; h++)
        {
            await state.AttemptAsync(p.IntradayGate(h) - 60, units.Where(_ => random.Next(2) == 0).Select(u => market.SubmitIntraday(u.Trader, u.Index, h,
                Curves(random, p.SlotsPerHour, random.Next(2) == 0, buy: true), Curves(random, p.SlotsPerHour, random.Next(2) == 0, buy: false))));
        }
        var lastGate = p.IntradayGate(hour + SettledSlots / p.SlotsPerHour - 1);
        // The griefer clears a slot first; the operator's range clears the rest and skips it.
        await state.SucceedAsync(lastGate, market.Clear(griefer, MarketStage.DayAhead, firstSlot + (uint)random.Next(p.SlotsPerDay), 1));
        await state.SucceedAsync(lastGate,
            market.Clear(fx.Operator, MarketStage.DayAhead, firstSlot, (uint)p.SlotsPerDay),
            market.Clear(fx.Operator, MarketStage.Intraday, firstSlot, SettledSlots));

        for (var s = firstSlot; s < firstSlot + SettledSlots; s++)
        {
            var instructions = units.Skip(1).Where(_ => random.Next(4) == 0)
                .Select(u => new OperatorInstruction(u.Index, (uint)random.Next(0, 1000), (uint)random.Next(0, 1000), (InstructionKind)random.Next(2))).ToList();
            if (instructions.Count > 0)
            {
                await state.SucceedAsync(p.SlotEnd(s), market.RecordInstructions(fx.Operator, s, instructions));
            }
            // Honest meters report what they measured; the gaming unit withholds or inflates.
            var readings = units.Where(u => u != gamer ? random.Next(6) > 0 : random.Next(2) == 0)
                .Select(u => u == gamer
                    ? _h.Reading(u, s, (ulong)random.Next(0, (int)Rating * 3), (ulong)random.Next(0, (int)Rating * 3))
                    : _h.Reading(u, s, (ulong)random.Next(0, (int)Rating), (ulong)random.Next(0, (int)Rating))).ToList();
            await state.SucceedAsync(p.SlotEnd(s), market.ReportReadings(griefer, readings.Where(_ => random.Next(3) == 0).ToList()));
            await state.SucceedAsync(p.SlotEnd(s), market.ReportReadings(fx.Operator, readings));
            // The griefer settles some units first; the operator settles all, in random order, some twice.
            var deadline = p.ReadingDeadline(s);
            await state.SucceedAsync(deadline, market.Settle(griefer, s, units.Where(_ => random.Next(3) == 0).Select(u => u.Index).ToList()));
            var order = units.OrderBy(_ => random.Next()).Select(u => u.Index).ToList();
            await state.SucceedAsync(deadline, market.Settle(fx.Operator, s, [.. order.Take(3), .. order.Take(2)]));
            await state.SucceedAsync(deadline, market.Settle(fx.Operator, s, order));
            Assert.True((await market.QueryAsync<SlotStateFunction, SlotStateOutputDTO>(new() { Slot = s })).ReturnValue1.Closed, $"slot {s} did not close");
            Assert.Equal(BigInteger.Zero, await market.ClearingHouseNanoAsync());
            await state.AttemptAsync(deadline, units.Where(_ => random.Next(4) == 0).Select(u => market.Deposit(u.Trader, u.Index, 1)));
            await state.AttemptAsync(deadline, units.Skip(1).Select(u => market.CollectClaim(griefer, u.Index)));
        }
        // The day's slots are closed: the operator charges an uplift over them (some units in debt).
        var shares = units.Skip(1).Where(_ => random.Next(3) > 0).Select(u => new UnitUplift(u.Index, random.Next(0, 2_000_000_000))).ToList();
        await state.SucceedAsync(p.ReadingDeadline(firstSlot + SettledSlots - 1), market.PayUplift(fx.Operator, firstSlot, firstSlot + SettledSlots, shares));
    }

    /// <summary>Non-crossing curves within the rating: buys priced below 300 000, sells from 300 000.</summary>
    private static IReadOnlyList<OrderCurve>? Curves(Random random, int slots, bool present, bool buy) =>
        !present ? null : Enumerable.Range(0, slots).Select(_ => new OrderCurve(
            Enumerable.Range(0, random.Next(0, 3)).Select(_ => new OrderStep(
                (uint)(buy ? random.Next(0, 300_000) : random.Next(300_000, 600_000)), (uint)random.Next(1, 700))).ToList())).ToList();

    private Task<BigInteger> TotalSupply() =>
        fx.Market.QueryValueAsync<SettlementTotalSupply, BigInteger>(new(), fx.Market.TokenAddress);

    /// <summary>
    /// Executes the day's blocks and keeps the books a unit's money must follow: every deposit,
    /// withdrawal and settlement as it happens, each settlement checked against the rule recomputed
    /// from the chain's positions and prices.
    /// </summary>
    private sealed class Ledger(AnvilFixture fx, IReadOnlyList<Participant> units, BigInteger supply)
    {
        private readonly Dictionary<uint, BigInteger> _expectedNet = [];
        private readonly Dictionary<uint, BigInteger> _startNet = [];

        public IReadOnlyList<Participant> Units => units;

        public int Settlements { get; private set; }

        private MarketClient Market => fx.Market;

        private uint Brp => units[0].Index;

        public async Task SnapshotStartAsync()
        {
            foreach (var u in units)
            {
                _startNet[u.Index] = await NetAsync(u.Index);
                _expectedNet[u.Index] = BigInteger.Zero;
            }
        }

        public async Task SucceedAsync(long time, params TxRequest[] requests)
        {
            var outcomes = await fx.Pipeline.ExecuteAsync(requests, time);
            foreach (var outcome in outcomes)
            {
                outcome.EnsureSuccess();
            }
            await RecordAsync(outcomes);
        }

        /// <summary>Requests that may legitimately revert (no collateral, no free balance, no tokens).</summary>
        public async Task AttemptAsync(long time, IEnumerable<TxRequest> requests)
        {
            var outcomes = await fx.Pipeline.ExecuteAsync(requests.ToList(), time);
            foreach (var outcome in outcomes)
            {
                Assert.True(outcome.Succeeded || outcome.Failure is ContractRevertException, outcome.Failure?.Message);
            }
            await RecordAsync(outcomes);
        }

        public async Task RevertsAsync<TError>(long time, TxRequest request)
        {
            var outcome = (await fx.Pipeline.ExecuteAsync([request], time))[0];
            Assert.True(Assert.IsType<ContractRevertException>(outcome.Failure).Is<TError>(), outcome.Failure!.Message);
            await CheckInvariantsAsync();
        }

        /// <summary>Every unit's balance + claim - debt (and, for the BRP, plus what others owe it) moved by exactly its own books.</summary>
        public async Task CheckMoneyAsync()
        {
            foreach (var u in units)
            {
                Assert.True(_startNet[u.Index] + _expectedNet[u.Index] == await NetAsync(u.Index), $"{u.Setup.Id}: money differs from its settlements, deposits and withdrawals");
            }
        }

        private async Task RecordAsync(IReadOnlyList<TxOutcome> outcomes)
        {
            foreach (var outcome in outcomes.Where(o => o.Succeeded))
            {
                foreach (var e in outcome.Events<DepositedEventDTO>())
                {
                    _expectedNet[e.Unit] += e.AmountMicro * NanoTokens.PerMicro;
                }
                foreach (var e in outcome.Events<WithdrawnEventDTO>())
                {
                    _expectedNet[e.Unit] -= e.AmountMicro * NanoTokens.PerMicro;
                    if (e.Unit == Brp)
                    {
                        var a = await Market.AccountAsync(Brp);
                        Assert.True(a.BalanceNano - a.LockedNano - a.MarginNano >= await Market.QueryValueAsync<BrpReserveNanoFunction, BigInteger>(new()),
                            "the BRP withdrew into its reserve");
                    }
                }
                foreach (var e in outcome.Events<SettledEventDTO>())
                {
                    await CheckSettlementAsync(e);
                    Settlements++;
                }
                // An uplift share moves from the unit to the BRP, paid now or owed as debt.
                foreach (var e in outcome.Events<UpliftChargedEventDTO>())
                {
                    _expectedNet[e.Unit] -= e.Nano;
                    _expectedNet[Brp] += e.Nano;
                }
            }
            await CheckInvariantsAsync();
            await CheckMoneyAsync();
        }

        /// <summary>The settlement rule, recomputed from the chain's positions, prices and meter record.</summary>
        private async Task CheckSettlementAsync(SettledEventDTO e)
        {
            var unit = units.Single(u => u.Index == e.Unit);
            var results = new[] { MarketStage.DayAhead, MarketStage.Intraday };
            var cleared = new List<Result>();
            var trade = BigInteger.Zero;
            var scheduled = BigInteger.Zero;
            foreach (var stage in results)
            {
                var r = (await Market.ResultsAsync(stage, e.Slot, 1))[0];
                var (bought, sold) = await Market.PositionsAsync(stage, e.Slot, 1, e.Unit);
                trade += ((BigInteger)sold[0] - bought[0]) * r.Price;
                scheduled += (BigInteger)sold[0] - bought[0];
                cleared.Add(r);
            }
            var prices = ImbalancePricing.For(Market.Parameters, cleared[0].Price, cleared[0].VolumeWh, cleared[1].Price, cleared[1].VolumeWh);
            var record = await Market.MeterRecordAsync(e.Slot, e.Unit);
            var rating = (BigInteger)unit.Setup.MaxWhPerSlot;
            BigInteger deviation;
            var balancing = BigInteger.Zero;
            if (!record.Reported)
            {
                deviation = -rating - scheduled;
            }
            else if (record.Kind == (byte)InstructionKind.Balancing)
            {
                // Balancing energy is settled apart, at the short price supplied and the long absorbed.
                deviation = (BigInteger)record.ExportWh - record.ImportWh - scheduled - record.ShedWh + record.CurtailedWh;
                balancing = (BigInteger)record.ShedWh * prices.Short.MicroPerKwh - (BigInteger)record.CurtailedWh * prices.Long.MicroPerKwh;
            }
            else
            {
                deviation = (BigInteger)record.ExportWh - record.ImportWh - scheduled;
                if (deviation < 0)
                {
                    deviation = BigInteger.Min(BigInteger.Zero, deviation + record.CurtailedWh);
                }
                else if (deviation > 0)
                {
                    deviation = BigInteger.Max(BigInteger.Zero, deviation - record.ShedWh);
                }
            }
            var isBrp = e.Unit == Brp;
            var imbalance = isBrp ? BigInteger.Zero
                : balancing + (deviation > 0 ? BigInteger.Min(deviation, 2 * rating) * prices.Long.MicroPerKwh : deviation * prices.Short.MicroPerKwh);
            var fee = !isBrp && !record.Reported ? (BigInteger)Market.Parameters.MissingReadingFeeNano : BigInteger.Zero;
            Assert.Equal((trade, deviation, imbalance, fee, !record.Reported), (e.TradeNano, e.DeviationWh, e.ImbalanceNano, e.FeeNano, e.ReadingMissing));
            _expectedNet[e.Unit] += trade + imbalance - fee;
            if (!isBrp)
            {
                _expectedNet[Brp] += -imbalance + fee;
            }
        }

        private async Task CheckInvariantsAsync()
        {
            Assert.Equal(supply, await Market.QueryValueAsync<SettlementTotalSupply, BigInteger>(new(), Market.TokenAddress));
            var held = await Market.TokenBalanceAsync(Market.MarketAddress);
            var owed = BigInteger.Zero;
            var claims = BigInteger.Zero;
            foreach (var u in units)
            {
                var account = await Market.AccountAsync(u.Index);
                Assert.True(account.BalanceNano >= account.LockedNano, $"{u.Setup.Id}: balance below locked collateral");
                owed += account.BalanceNano;
                claims += await Market.QueryValueAsync<ClaimNanoFunction, BigInteger>(new() { Unit = u.Index });
            }
            var fund = await Market.QueryValueAsync<ClaimsFundNanoFunction, BigInteger>(new());
            Assert.Equal(held * NanoTokens.PerMicro, owed + await Market.ClearingHouseNanoAsync() + fund);
            Assert.Equal(claims, (await Market.AccountAsync(Brp)).DebtNano + fund);
        }

        /// <summary>balance + claim - debt; for the BRP also plus the debts the other units owe it.</summary>
        private async Task<BigInteger> NetAsync(uint unit)
        {
            var a = await Market.AccountAsync(unit);
            var net = a.BalanceNano + await Market.QueryValueAsync<ClaimNanoFunction, BigInteger>(new() { Unit = unit }) - a.DebtNano;
            if (unit == Brp)
            {
                foreach (var u in units.Where(u => u.Index != Brp))
                {
                    net += (await Market.AccountAsync(u.Index)).DebtNano;
                }
            }
            return net;
        }
    }
}
