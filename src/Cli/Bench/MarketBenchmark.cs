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

    public async Task<IReadOnlyList<BenchFigure>> RunAsync(int throughputTransactions, int throughputRounds, bool throughputOnly, CancellationToken cancellationToken)
    {
        var figures = new List<BenchFigure>();
        await using var anvil = await AnvilNode.StartAsync(new AnvilOptions { GenesisTimestamp = ChainStart }, cancellationToken);
        using var chain = await ChainConnection.ConnectAsync(anvil.RpcUrl);
        var pipeline = new TransactionPipeline(chain);
        var op = anvil.DevAccounts[0];
        var parameters = new MarketParameters { GenesisUnixSeconds = Genesis };
        var market = await MarketClient.DeployAsync(pipeline, op, parameters, ChainStart + 1, cancellationToken);

        if (!throughputOnly)
        {
            var maxUnits = (int)await market.QueryValueAsync<MAX_UNITSFunction, BigInteger>(new());
            figures.AddRange(await ClearingGasAsync(pipeline, op, parameters, [3, 25, 250, maxUnits], cancellationToken));
            figures.AddRange(await ParticipantDayAsync(market, op, cancellationToken));
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

    /// <summary>
    /// A participant-day for 100 units (50 loads buying, 50 PV selling, one step per slot): day-ahead
    /// submission, intra-day orders each hour, the day's clearing (its share), readings and settlement.
    /// </summary>
    private async Task<List<BenchFigure>> ParticipantDayAsync(MarketClient market, EthKey op, CancellationToken ct)
    {
        const int pairs = 50;
        var p = market.Parameters;
        const uint day = 20;
        var now = p.DayAheadGate(day) - 6 * 3600;
        var slack = await RegisterFundedAsync(market, op, "day-slack", 1, UnitKind.Slack, 1_000_000_000, now, ct, balanceResponsible: true);
        var loads = await RegisterFundedAsync(market, op, "day-load", pairs, UnitKind.Load, 50_000_000, now, ct);
        // An offer locks (cap - price) per Wh until settled: 96 x 450 Wh at 0.02 is about 129 tokens.
        var pvs = await RegisterFundedAsync(market, op, "day-pv", pairs, UnitKind.Pv, 200_000_000, now, ct);
        var all = loads.Concat(pvs).ToList();

        var first = await SucceedAsync(market, now, loads.Select(u => market.SubmitDayAhead(u.Trader, u.Index, day, Every(p.SlotsPerDay, 300_000, 500), null))
            .Concat(pvs.Select(u => market.SubmitDayAhead(u.Trader, u.Index, day, null, Every(p.SlotsPerDay, 20_000, 450)))).ToList(), ct);
        var replaced = await SucceedAsync(market, now + 60, loads.Select(u => market.SubmitDayAhead(u.Trader, u.Index, day, Every(p.SlotsPerDay, 310_000, 520), null)).ToList(), ct);
        var dayAheadGas = first.Average(o => o.GasUsed);
        var replaceGas = replaced.Average(o => o.GasUsed);

        var firstSlot = day * (uint)p.SlotsPerDay;
        var clearDay = await SucceedAsync(market, p.DayAheadGate(day), [
            market.Clear(op, MarketStage.DayAhead, firstSlot, 32), market.Clear(op, MarketStage.DayAhead, firstSlot + 32, 32),
            market.Clear(op, MarketStage.DayAhead, firstSlot + 64, 32)], ct);

        // Chain time only moves forward, so the day runs in time order: intra-day orders for every
        // hour go in after the day-ahead gate (the intra-day book of an hour is open until its own
        // gate); hour h's auction clears at its gate, which is when hour h-1 starts delivering, and
        // each slot of hour h-1 is metered and settled as it ends.
        var intradayGas = new List<long>();
        var firstHour = day * 24;
        for (var hour = firstHour; hour < firstHour + 24; hour++)
        {
            var submitted = await SucceedAsync(market, p.DayAheadGate(day) + 1, loads.Select(u => market.SubmitIntraday(u.Trader, u.Index, hour, Every(p.SlotsPerHour, 320_000, 30), null))
                .Concat(pvs.Select(u => market.SubmitIntraday(u.Trader, u.Index, hour, null, Every(p.SlotsPerHour, 15_000, 25)))).ToList(), ct);
            intradayGas.AddRange(submitted.Select(o => o.GasUsed));
        }
        var clearIntradayGas = 0L;
        var readingGas = 0L;
        var settleGas = 0L;
        var everyone = all.Select(u => u.Index).Append(slack[0].Index).ToList();
        for (var hour = firstHour; hour <= firstHour + 24; hour++)
        {
            if (hour < firstHour + 24)
            {
                clearIntradayGas += (await SucceedAsync(market, p.IntradayGate(hour), [market.Clear(op, MarketStage.Intraday, (uint)(hour * p.SlotsPerHour), (uint)p.SlotsPerHour)], ct))[0].GasUsed;
            }
            if (hour == firstHour)
            {
                continue;
            }
            for (var s = (hour - 1) * (uint)p.SlotsPerHour; s < hour * p.SlotsPerHour; s++)
            {
                var readings = all.Select(u => market.ReadingSigner.Sign(u.Meter, u.Index, s, u.Kind == UnitKind.Load ? 520UL : 0, u.Kind == UnitKind.Pv ? 470UL : 0))
                    .Append(market.ReadingSigner.Sign(slack[0].Meter, slack[0].Index, s, 0, 0)).ToList();
                readingGas += (await SucceedAsync(market, p.SlotEnd(s), [market.ReportReadings(op, readings)], ct))[0].GasUsed;
                settleGas += (await SucceedAsync(market, p.SlotEnd(s), [market.Settle(op, s, everyone)], ct))[0].GasUsed;
            }
        }
        var units = all.Count + 1;
        var slots = p.SlotsPerDay;
        var readingPerUnitSlot = (double)readingGas / (slots * units);
        var settlePerUnitSlot = (double)settleGas / (slots * units);
        var clearingShare = (clearDay.Sum(o => o.GasUsed) + clearIntradayGas) / (double)units;
        var perDay = dayAheadGas + intradayGas.Average() * 24 + (readingPerUnitSlot + settlePerUnitSlot) * slots + clearingShare;
        log.WriteLine($"  day-ahead submission (96 slots): {dayAheadGas:N0} gas first, {replaceGas:N0} replacing");
        log.WriteLine($"  metering + settlement per unit-slot: {readingPerUnitSlot + settlePerUnitSlot:N0} gas");
        log.WriteLine($"  per participant-day: {perDay:N0} gas");
        return
        [
            new("day-ahead submission, 96 slots, one step per slot, per unit", dayAheadGas, "gas", "first submission of the day"),
            new("day-ahead resubmission (replacing), per unit", replaceGas, "gas"),
            new("intra-day submission, 4 slots, per unit and hour", intradayGas.Average(), "gas"),
            new("meter reading (signed, relayed in a batch of 101), per unit and slot", readingPerUnitSlot, "gas"),
            new("settlement (batch of 101 units), per unit and slot", settlePerUnitSlot, "gas"),
            new("clearing of a day (96 day-ahead + 96 intra-day slots, 100 units), per unit", clearingShare, "gas"),
            new("total per participant-day (100 units, all three stages)", perDay, "gas", "day-ahead + 24 intra-day + 96 x (reading + settlement) + clearing share"),
        ];
    }

    /// <summary>
    /// End-to-end rate: each round, n participants each send one transaction signed with their own
    /// key (a 2-token transfer of the settlement token), through the pipeline: signed on all cores,
    /// sent in JSON-RPC batches, one evm_mine, every receipt fetched and checked.
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
