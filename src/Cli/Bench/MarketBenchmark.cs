using System.Diagnostics;
using System.Numerics;
using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using Nethereum.Contracts;

namespace MicroMarket.Cli.Bench;

/// <summary>One measured figure: what, how much, in which unit, and how it was measured.</summary>
public sealed record BenchFigure(string Name, double Value, string Unit, string Note = "");

/// <summary>
/// Measures the market layer on a fresh local Anvil: gas of each market operation (exact, from
/// receipts) and the end-to-end transaction rate of the client (participants' own keys, signed,
/// sent, mined, every receipt checked), timed with a Stopwatch over several rounds.
/// </summary>
public sealed class MarketBenchmark(TextWriter log)
{
    private const long ChainStart = 1_767_139_200; // 2025-12-31 00:00 UTC
    private const long Genesis = ChainStart + 2 * MarketParameters.SecondsPerDay;

    /// <param name="grown">
    /// Measure on a grown chain: skip the clearing sizes, run twice RING_DAYS participant-days (what
    /// any longer run leaves: every per-slot word of the market lives in the storage ring), report the
    /// state's size after each day and what mining an empty block costs before and after, then the
    /// end-to-end rate on that chain.
    /// </param>
    public async Task<IReadOnlyList<BenchFigure>> RunAsync(int throughputTransactions, int throughputRounds, bool throughputOnly, bool grown, CancellationToken cancellationToken)
    {
        var figures = new List<BenchFigure>();
        await using var anvil = await AnvilNode.StartAsync(new AnvilOptions { GenesisTimestamp = ChainStart }, cancellationToken);
        using var chain = await ChainConnection.ConnectAsync(anvil.RpcUrl);
        var pipeline = new TransactionPipeline(chain);
        var op = anvil.DevAccounts[0];
        var parameters = new MarketParameters { GenesisUnixSeconds = Genesis };
        var market = await MarketClient.DeployAsync(pipeline, op, parameters, ChainStart + 1, cancellationToken);

        if (grown)
        {
            var freshBlock = await EmptyBlockMillisecondsAsync(chain);
            var ringDays = (int)await market.QueryValueAsync<RING_DAYSFunction, uint>(new());
            var words = new List<long>();
            figures.AddRange(await ParticipantDayAsync(market, op, 2 * ringDays, words, cancellationToken));
            var grownBlock = await EmptyBlockMillisecondsAsync(chain);
            log.WriteLine($"  an empty block takes {freshBlock:0.0} ms to mine on the fresh chain, {grownBlock:0.0} ms on the grown one");
            figures.Add(new($"chain state after {ringDays + 1} participant-days", words[ringDays], "storage words", $"{words[0]:N0} after day 1; {words[^1]:N0} after day {words.Count}"));
            figures.Add(new("mining an empty block, grown chain (median of 9)", grownBlock, "ms", $"{freshBlock:0.0} ms on the fresh chain: Anvil rehashes every storage word each block"));
        }
        else if (!throughputOnly)
        {
            var maxUnits = (int)await market.QueryValueAsync<MAX_UNITSFunction, BigInteger>(new());
            figures.AddRange(await ClearingGasAsync(pipeline, op, parameters, [3, 25, 250, maxUnits], cancellationToken));
            var ringDays = (int)await market.QueryValueAsync<RING_DAYSFunction, uint>(new());
            figures.AddRange(await ParticipantDayAsync(market, op, ringDays + 1, null, cancellationToken));
        }
        figures.AddRange(await ThroughputAsync(chain, throughputTransactions, throughputRounds, cancellationToken));
        return figures;
    }

    /// <summary>
    /// Clearing gas of one slot of n units, each with four steps per side it bids at spread prices
    /// (a real crossing, ties, a pro-rata split), in a market of its own (the registry holds at most
    /// MAX_UNITS units, the largest size measured). Typical: each unit on one side (a consumer or a
    /// producer in that slot), 4 orders and one curve word read per unit. Largest: every unit buys
    /// and sells with all four steps (its buys below its sells, as the market requires), 8 orders and
    /// two curve words per unit: the book AttackTests bounds in every shape.
    /// </summary>
    private async Task<List<BenchFigure>> ClearingGasAsync(TransactionPipeline pipeline, EthKey op, MarketParameters parameters, int[] sizes, CancellationToken ct)
    {
        var figures = new List<BenchFigure>();
        var day = 0u;
        foreach (var bothSides in new[] { false, true })
        {
            foreach (var unitCount in sizes)
            {
                var now = await pipeline.Chain.GetLatestTimestampAsync() + 1;
                var p = parameters with { GenesisUnixSeconds = now + 2 * MarketParameters.SecondsPerDay };
                var market = await MarketClient.DeployAsync(pipeline, op, p, now, ct);
                var units = await RegisterFundedAsync(market, op, $"clear{unitCount}{bothSides}", unitCount, UnitKind.Battery, 100_000_000, now, ct);
                var random = new Random(unitCount);
                OrderCurve Steps(int low, int high) => new(Enumerable.Range(0, OrderCurve.MaxSteps).Select(_ => new OrderStep((uint)random.Next(low, high) * 1000, (uint)random.Next(100, 3000))).ToList());
                var submissions = units.Select((u, i) =>
                {
                    var (buy, sell) = bothSides ? (Steps(50, 225), Steps(225, 400))
                        : i % 2 == 0 ? (Steps(50, 400), OrderCurve.Empty) : (OrderCurve.Empty, Steps(50, 400));
                    return market.SubmitDayAhead(u.Trader, u.Index, day, SlotZero(buy, p.SlotsPerDay), SlotZero(sell, p.SlotsPerDay));
                }).ToList();
                await SucceedAsync(market, now, submissions, ct);
                var clear = (await SucceedAsync(market, p.DayAheadGate(day), [market.Clear(op, MarketStage.DayAhead, day * (uint)p.SlotsPerDay, 1)], ct))[0];
                var orders = unitCount * OrderCurve.MaxSteps * (bothSides ? 2 : 1);
                var shape = bothSides ? "largest: every unit buys and sells" : "typical: each unit buys or sells";
                log.WriteLine($"  clearing {orders,5} orders of {unitCount} units ({shape}): {clear.GasUsed,12:N0} gas");
                figures.Add(new BenchFigure($"clearing gas, {orders} orders of {unitCount} units in one slot ({shape})", clear.GasUsed, "gas",
                    // The pipeline (and Anvil) refuse a transaction above the cap: a clearing that needs more fails before here.
                    $"{100.0 * clear.GasUsed / TransactionPipeline.TransactionGasCap:0.0} % of the 2^24 cap"));
            }
        }
        return figures;
    }

    private static List<OrderCurve> SlotZero(OrderCurve curve, int slotsPerDay) =>
        Enumerable.Range(0, slotsPerDay).Select(s => s == 0 ? curve : OrderCurve.Empty).ToList();

    /// <summary>What a participant-day cost on today's main before the storage ring (issue 15's figures), M gas.</summary>
    private static readonly (string Stage, double Baseline)[] Stages =
    [
        ("day-ahead submission", 2.48), ("24 intra-day submissions", 3.49), ("96 meter readings", 3.57),
        ("96 settlements", 3.59), ("clearing share", 0.86), ("total", 13.99),
    ];

    /// <summary>
    /// Participant-days for 100 units (50 loads buying, 50 PV selling, one step per slot), one after
    /// another as a market runs them: each day's day-ahead submission (and a replacement), intra-day
    /// orders for every hour, the clearings, and every slot's readings and settlement. The contract
    /// reuses a day's per-unit storage RING_DAYS days later, so the first RING_DAYS days write fresh
    /// words and every later day overwrites: the last day is the steady state of a long run, the
    /// first what a fresh chain costs. With <paramref name="words"/>, the chain's storage words are
    /// counted as each day is settled.
    /// </summary>
    private async Task<List<BenchFigure>> ParticipantDayAsync(MarketClient market, EthKey op, int dayCount, List<long>? words, CancellationToken ct)
    {
        const int pairs = 50;
        const uint firstDay = 20;
        var p = market.Parameters;
        var days = (uint)dayCount;
        var now = p.DayAheadGate(firstDay) - 7 * 3600;
        var slack = await RegisterFundedAsync(market, op, "day-slack", 1, UnitKind.Slack, 1_000_000_000, now, ct, balanceResponsible: true);
        var loads = await RegisterFundedAsync(market, op, "day-load", pairs, UnitKind.Load, 200_000_000, now, ct);
        // An offer locks (cap - price) per Wh until settled: 96 x 450 Wh at 0.02 is about 129 tokens
        // a day, and the next day's offers go in while the day is still being delivered.
        var pvs = await RegisterFundedAsync(market, op, "day-pv", pairs, UnitKind.Pv, 400_000_000, now, ct);
        var all = loads.Concat(pvs).ToList();
        var everyone = all.Select(u => u.Index).Append(slack[0].Index).ToList();
        var units = everyone.Count;

        // The market's timeline over all the days, in chain-time order (stable for equal times).
        var timeline = new List<(long Time, Func<Task> Step)>();
        var gas = Enumerable.Range(0, (int)days).Select(_ => new double[Stages.Length - 1]).ToList();
        var replaceGas = 0.0;
        async Task<IReadOnlyList<TxOutcome>> At(long time, IReadOnlyList<TxRequest> requests) => await SucceedAsync(market, time, requests, ct);
        for (var d = 0u; d < days; d++)
        {
            var (day, index) = (firstDay + d, (int)d);
            var gate = p.DayAheadGate(day);
            timeline.Add((gate - 6 * 3600, async () =>
            {
                var first = await At(gate - 6 * 3600, loads.Select(u => market.SubmitDayAhead(u.Trader, u.Index, day, Every(p.SlotsPerDay, 300_000, 500), null))
                    .Concat(pvs.Select(u => market.SubmitDayAhead(u.Trader, u.Index, day, null, Every(p.SlotsPerDay, 20_000, 450)))).ToList());
                gas[index][0] = first.Average(o => o.GasUsed);
                var replaced = await At(gate - 6 * 3600 + 60, loads.Select(u => market.SubmitDayAhead(u.Trader, u.Index, day, Every(p.SlotsPerDay, 310_000, 520), null)).ToList());
                replaceGas = replaced.Average(o => o.GasUsed);
            }));
            var firstSlot = day * (uint)p.SlotsPerDay;
            timeline.Add((gate, async () => gas[index][4] += (await At(gate, [
                market.Clear(op, MarketStage.DayAhead, firstSlot, 32), market.Clear(op, MarketStage.DayAhead, firstSlot + 32, 32),
                market.Clear(op, MarketStage.DayAhead, firstSlot + 64, 32)])).Sum(o => o.GasUsed)));
            // Intra-day orders for every hour of the day go in once its day-ahead gate has closed
            // (the book of an hour is open until the hour's own gate).
            for (var hour = day * 24; hour < (day + 1) * 24; hour++)
            {
                var h = hour;
                timeline.Add((gate + 1, async () => gas[index][1] += (await At(gate + 1,
                    loads.Select(u => market.SubmitIntraday(u.Trader, u.Index, h, Every(p.SlotsPerHour, 320_000, 30), null))
                    .Concat(pvs.Select(u => market.SubmitIntraday(u.Trader, u.Index, h, null, Every(p.SlotsPerHour, 15_000, 25)))).ToList())).Average(o => o.GasUsed)));
                timeline.Add((p.IntradayGate(h), async () => gas[index][4] += (await At(p.IntradayGate(h),
                    [market.Clear(op, MarketStage.Intraday, (uint)(h * p.SlotsPerHour), (uint)p.SlotsPerHour)]))[0].GasUsed));
            }
            // Each slot is metered and settled as it ends.
            for (var s = firstSlot; s < firstSlot + p.SlotsPerDay; s++)
            {
                var slot = s;
                timeline.Add((p.SlotEnd(slot), async () =>
                {
                    var readings = all.Select(u => market.ReadingSigner.Sign(u.Meter, u.Index, slot, u.Kind == UnitKind.Load ? 520UL : 0, u.Kind == UnitKind.Pv ? 470UL : 0))
                        .Append(market.ReadingSigner.Sign(slack[0].Meter, slack[0].Index, slot, 0, 0)).ToList();
                    // One block, as a delivery round sends them: the settlement sees the readings.
                    var metered = await At(p.SlotEnd(slot), [market.ReportReadings(op, readings), market.Settle(op, slot, everyone)]);
                    gas[index][2] += metered[0].GasUsed;
                    gas[index][3] += metered[1].GasUsed;
                    if (slot == firstSlot + p.SlotsPerDay - 1)
                    {
                        words?.Add(await market.Chain.CountStorageWordsAsync());
                        log.WriteLine($"  participant-day {index + 1}/{days} settled" + (words is null ? "" : $": the chain holds {words[^1]:N0} storage words"));
                    }
                }));
            }
        }
        foreach (var (_, step) in timeline.OrderBy(e => e.Time))
        {
            await step();
        }

        // Readings, settlements and clearings are the operator's batches: their gas is shared by the units.
        double[] PerParticipantDay(double[] day) => [day[0], day[1], day[2] / units, day[3] / units, day[4] / units];
        var (fresh, steady) = (PerParticipantDay(gas[0]), PerParticipantDay(gas[^1]));
        var figures = new List<BenchFigure>();
        for (var i = 0; i < Stages.Length; i++)
        {
            var (freshValue, steadyValue) = i < Stages.Length - 1 ? (fresh[i], steady[i]) : (fresh.Sum(), steady.Sum());
            log.WriteLine($"  {Stages[i].Stage}: {steadyValue / 1e6:0.00} M gas per participant-day on day {days} ({freshValue / 1e6:0.00} M on day 1; {Stages[i].Baseline:0.00} M before the storage ring)");
            figures.Add(new($"per participant-day, {Stages[i].Stage} (100 units)", steadyValue, "gas",
                $"day {days}, storage reused; day 1 (fresh chain) {freshValue / 1e6:0.00} M; before the storage ring {Stages[i].Baseline:0.00} M"));
        }
        figures.Add(new("day-ahead resubmission (replacing), per unit", replaceGas, "gas", $"day {days}"));
        return figures;
    }

    /// <summary>
    /// End-to-end rate: each round, n participants each send one transaction signed with their own
    /// key (a 2-token transfer of the settlement token), through the pipeline: signed on all cores,
    /// sent in JSON-RPC batches, one evm_mine_detailed, every receipt fetched and checked.
    /// </summary>
    private async Task<List<BenchFigure>> ThroughputAsync(ChainConnection chain, int n, int rounds, CancellationToken ct)
    {
        var pipeline = new TransactionPipeline(chain);
        var op = EthKey.Derive("bench-operator", 0);
        var keys = Enumerable.Range(0, n).Select(i => EthKey.Derive("bench-tps", i)).ToList();
        await chain.SetBalancesAsync(keys.Select(k => k.Address).Append(op.Address), BigInteger.Pow(10, 24));
        var token = await MarketClient.DeployAsync(pipeline, op, new MarketParameters { GenesisUnixSeconds = Genesis }, null, ct);
        foreach (var chunk in keys.Chunk(1000))
        {
            await SucceedAsync(token, null, chunk.Select(k => token.MintTokens(op, k.Address, 1_000_000_000)).ToList(), ct);
        }
        // Two batches in flight: while one batch's receipts come back, the next is signed, sent
        // and mined (the pipeline serialises sending and mining, not receipt fetching).
        List<TxRequest> Batch() => keys.Select((k, i) => new TxRequest(k, token.TokenAddress,
            new Market.Contracts.SettlementTokenDefinition.TransferFunction { To = keys[(i + 1) % n].Address, Value = 2_000_000 }.GetCallData(),
            60_000, "transfer")).ToList();
        var rates = new List<double>();
        for (var round = 0; round < rounds + 1; round++)
        {
            var clock = Stopwatch.StartNew();
            var outcomes = (await Task.WhenAll(pipeline.ExecuteAsync(Batch(), null, ct), pipeline.ExecuteAsync(Batch(), null, ct))).SelectMany(o => o).ToList();
            clock.Stop();
            if (outcomes.Any(o => !o.Succeeded))
            {
                throw new InvalidOperationException($"throughput round {round}: {outcomes.Count(o => !o.Succeeded)} transactions failed");
            }
            if (round > 0) // round 0 warms up JIT, connections and Anvil's caches
            {
                rates.Add(outcomes.Count / clock.Elapsed.TotalSeconds);
                var t = pipeline.Timings;
                log.WriteLine($"  round {round}: {outcomes.Count} tx in {clock.Elapsed.TotalMilliseconds:N0} ms = {rates[^1]:N0} tx/s " +
                    $"(cumulative: estimate {t.Estimating.TotalMilliseconds:N0}, sign+send {t.SigningAndSending.TotalMilliseconds:N0}, mine {t.Mining.TotalMilliseconds:N0}, receipts {t.Receipts.TotalMilliseconds:N0} ms)");
            }
        }
        rates.Sort();
        return
        [
            new("end-to-end transactions per second (median)", rates[rates.Count / 2], "tx/s", $"{n} participants x 2 batches in flight x {rounds} rounds, own keys, signed + sent + mined + receipts checked"),
            new("end-to-end transactions per second (worst round)", rates[0], "tx/s"),
        ];
    }

    /// <summary>What mining a block without transactions takes (median of 9): Anvil's own cost per block.</summary>
    private static async Task<double> EmptyBlockMillisecondsAsync(ChainConnection chain)
    {
        var times = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            var next = await chain.GetLatestTimestampAsync() + 1;
            var clock = Stopwatch.StartNew();
            await chain.MineAsync(next);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static IReadOnlyList<OrderCurve> Every(int slots, uint price, uint quantityWh) =>
        Enumerable.Repeat(OrderCurve.Single(price, quantityWh), slots).ToList();

    private sealed record BenchUnit(uint Index, EthKey Trader, EthKey Meter, UnitKind Kind);

    private static async Task<List<BenchUnit>> RegisterFundedAsync(
        MarketClient market, EthKey op, string name, int count, UnitKind kind, long depositMicro, long now, CancellationToken ct, bool balanceResponsible = false)
    {
        var first = await market.UnitCountAsync() + 1;
        var units = Enumerable.Range(0, count).Select(i => new BenchUnit(first + (uint)i, EthKey.Derive(name, i), EthKey.Derive(name + "-meter", i), kind)).ToList();
        await market.Chain.SetBalancesAsync(units.Select(u => u.Trader.Address), BigInteger.Pow(10, 24));
        foreach (var chunk in units.Chunk(MarketClient.UnitsPerRegistration))
        {
            await SucceedAsync(market, now, [market.RegisterUnits(op, chunk.Select(u => new UnitRegistration(
                $"{name}-{u.Index}", kind, u.Trader.Address, u.Meter.Address, "bench", balanceResponsible, 100_000, 0)).ToList())], ct);
        }
        await SucceedAsync(market, now, units.Select(u => market.MintTokens(op, u.Trader.Address, depositMicro)).ToList(), ct);
        await SucceedAsync(market, now, units.Select(u => market.ApproveEscrow(u.Trader, depositMicro)).ToList(), ct);
        await SucceedAsync(market, now, units.Select(u => market.Deposit(u.Trader, u.Index, depositMicro)).ToList(), ct);
        return units;
    }

    private static async Task<IReadOnlyList<TxOutcome>> SucceedAsync(MarketClient market, long? time, IReadOnlyList<TxRequest> requests, CancellationToken ct)
    {
        var outcomes = await market.Pipeline.ExecuteAsync(requests, time, ct);
        foreach (var outcome in outcomes)
        {
            outcome.EnsureSuccess();
        }
        return outcomes;
    }
}
