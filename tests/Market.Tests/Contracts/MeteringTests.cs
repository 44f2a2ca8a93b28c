using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Tests.Chain;
using MicroMarket.RunFormat;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;

namespace MicroMarket.Market.Tests.Contracts;

[Collection(AnvilCollection.Name)]
public sealed class MeteringTests(AnvilFixture fx)
{
    private const long T = AnvilFixture.Deployed + 100;
    private const uint Slot = 10;
    private static readonly long SlotEnd = AnvilFixture.Parameters.SlotEnd(Slot);
    private static readonly long Deadline = AnvilFixture.Parameters.ReadingDeadline(Slot);
    private readonly MarketHarness _h = new(fx);

    [Fact]
    public Task The_signed_digest_is_the_contracts() => fx.IsolatedAsync(async () =>
    {
        var local = fx.Market.ReadingSigner.Digest(3, 77, 1234, 56);
        var onChain = await fx.Market.QueryValueAsync<ReadingDigestFunction, byte[]>(new()
        {
            Reading = new MeterReading { Unit = 3, Slot = 77, ImportWh = 1234, ExportWh = 56 },
        });
        Assert.Equal(onChain.ToHex(), local.ToHex());
    });

    [Fact]
    public Task A_reading_is_accepted_once_after_its_slot_and_emitted() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load")))[0];
        var reading = _h.Reading(unit, Slot, 812, 3);
        var outcome = (await _h.SucceedAsync(SlotEnd, fx.Market.ReportReadings(fx.Operator, [reading])))[0];
        var reported = Assert.Single(outcome.Events<ReadingReportedEventDTO>());
        Assert.Equal((Slot, unit.Index, 812UL, 3UL), (reported.Slot, reported.Unit, reported.ImportWh, reported.ExportWh));
        var record = await fx.Market.MeterRecordAsync(Slot, unit.Index);
        Assert.True(record.Reported);
        Assert.Equal((812UL, 3UL), (record.ImportWh, record.ExportWh));

        // A second copy is skipped, not recorded again: what is recorded stands.
        var replay = (await _h.SucceedAsync(SlotEnd + 1, fx.Market.ReportReadings(fx.Operator, [reading with { ImportWh = 1, Signature = _h.Reading(unit, Slot, 1, 3).Signature }])))[0];
        var skipped = Assert.Single(replay.Events<ReadingSkippedEventDTO>());
        Assert.Equal((unit.Index, Slot), (skipped.Unit, skipped.Slot));
        Assert.Empty(replay.Events<ReadingReportedEventDTO>());
        Assert.Equal(812UL, (await fx.Market.MeterRecordAsync(Slot, unit.Index)).ImportWh);
    });

    [Fact]
    public Task The_range_views_answer_unit_by_unit_as_the_single_views_do() => fx.IsolatedAsync(async () =>
    {
        var units = await _h.RegisterAsync(T, new UnitSetup("a"), new UnitSetup("b"), new UnitSetup("c"));
        // b reports, a and c do not: a reported record between two empty ones, in the order asked (not registry order).
        await _h.SucceedAsync(SlotEnd, fx.Market.ReportReadings(fx.Operator, [_h.Reading(units[1], Slot, 640, 7)]));
        uint[] asked = [units[2].Index, units[1].Index, units[0].Index];
        var records = (await fx.Market.QueryAsync<MeterRecordsFunction, MeterRecordsOutputDTO>(new() { Slot = Slot, Units = [.. asked] })).Records;
        Assert.Equal(3, records.Count);
        for (var i = 0; i < asked.Length; i++)
        {
            var single = await fx.Market.MeterRecordAsync(Slot, asked[i]);
            Assert.Equal((single.Slot, single.Reported, single.ImportWh, single.ExportWh), (records[i].Slot, records[i].Reported, records[i].ImportWh, records[i].ExportWh));
        }
        Assert.Equal((Slot, true, 640UL, 7UL), (records[1].Slot, records[1].Reported, records[1].ImportWh, records[1].ExportWh));
        Assert.Equal((Slot, false), (records[0].Slot, records[0].Reported));

        var accounts = await fx.Market.AccountsAsync(asked);
        for (var i = 0; i < asked.Length; i++)
        {
            var single = await fx.Market.AccountAsync(asked[i]);
            Assert.Equal((single.BalanceNano, single.LockedNano, single.DebtNano), (accounts[i].BalanceNano, accounts[i].LockedNano, accounts[i].DebtNano));
        }
        Assert.All(accounts, a => Assert.True(a.BalanceNano > 0));
    });

    [Fact]
    public Task A_batch_survives_a_reading_relayed_first_by_someone_else() => fx.IsolatedAsync(async () =>
    {
        // Finding "all-or-nothing batches that anyone can pre-empt": relaying one copied reading
        // first made the operator's 3-reading batch revert.
        var units = await _h.RegisterAsync(T, new UnitSetup("a"), new UnitSetup("b"), new UnitSetup("c"));
        var readings = units.Select(u => _h.Reading(u, Slot, 100, 0)).ToList();
        var griefer = EthKey.Derive("griefer", 0);
        await fx.FundAsync([griefer]);
        await _h.SucceedAsync(SlotEnd, fx.Market.ReportReadings(griefer, [readings[1]]));
        var batch = (await _h.SucceedAsync(SlotEnd, fx.Market.ReportReadings(fx.Operator, readings)))[0];
        Assert.Equal([units[0].Index, units[2].Index], batch.Events<ReadingReportedEventDTO>().Select(e => e.Unit));
        Assert.Equal(units[1].Index, Assert.Single(batch.Events<ReadingSkippedEventDTO>()).Unit);
    });

    [Fact]
    public Task An_early_reading_is_rejected() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load")))[0];
        var error = await _h.RevertsAsync<Meter__SlotNotEndedError>(SlotEnd - 1, fx.Market.ReportReadings(fx.Operator, [_h.Reading(unit, Slot, 1, 0)]));
        Assert.Equal((Slot, (ulong)SlotEnd), (error.Slot, error.End));
    });

    [Fact]
    public Task A_late_reading_is_rejected() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load")))[0];
        var error = await _h.RevertsAsync<Meter__ReadingWindowClosedError>(Deadline, fx.Market.ReportReadings(fx.Operator, [_h.Reading(unit, Slot, 1, 0)]));
        Assert.Equal((Slot, (ulong)Deadline), (error.Slot, error.Deadline));
    });

    [Fact]
    public Task A_forged_or_altered_reading_is_rejected() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load")))[0];
        // Signed by the unit's trader, not its meter.
        var forged = fx.Market.ReadingSigner.Sign(unit.Trader, unit.Index, Slot, 0, 500);
        var error = await _h.RevertsAsync<Meter__InvalidSignerError>(SlotEnd, fx.Market.ReportReadings(fx.Operator, [forged]));
        Assert.Equal(unit.Trader.Address, error.Recovered, ignoreCase: true);

        // The meter's genuine signature over other numbers.
        var altered = _h.Reading(unit, Slot, 900, 0) with { ImportWh = 90 };
        var altError = await _h.RevertsAsync<Meter__InvalidSignerError>(SlotEnd, fx.Market.ReportReadings(fx.Operator, [altered]));
        Assert.NotEqual(unit.Meter.Address, altError.Recovered, StringComparer.OrdinalIgnoreCase);

        // A reading signed for another market (another domain) does not verify here either.
        var elsewhere = new MeterReadingSigner(fx.Chain.ChainId, "0x000000000000000000000000000000000000dEaD").Sign(unit.Meter, unit.Index, Slot, 1, 0);
        await _h.RevertsAsync<Meter__InvalidSignerError>(SlotEnd, fx.Market.ReportReadings(fx.Operator, [elsewhere]));

        var garbage = _h.Reading(unit, Slot, 1, 0) with { Signature = new byte[65] };
        var garbageError = await _h.RevertsAsync<Meter__InvalidSignerError>(SlotEnd, fx.Market.ReportReadings(fx.Operator, [garbage]));
        Assert.Equal("0x0000000000000000000000000000000000000000", garbageError.Recovered);
    });

    [Fact]
    public Task A_reading_above_the_units_rating_is_accepted_and_flagged() => fx.IsolatedAsync(async () =>
    {
        // Finding "a true reading above the rating cannot be reported at all": nothing true is unreportable.
        var units = await _h.RegisterAsync(T, new UnitSetup("load", MaxWhPerSlot: 2500), new UnitSetup("pv", UnitKind.Pv, MaxWhPerSlot: 2500));
        var outcome = (await _h.SucceedAsync(SlotEnd, fx.Market.ReportReadings(fx.Operator,
            [_h.Reading(units[0], Slot, 2501, 0), _h.Reading(units[1], Slot, 0, 2500)])))[0];
        Assert.Equal(2, outcome.Events<ReadingReportedEventDTO>().Count());
        var flagged = Assert.Single(outcome.Events<ReadingAboveRatingEventDTO>());
        Assert.Equal((units[0].Index, 2501UL, 2500u), (flagged.Unit, flagged.ImportWh, flagged.RatingWh));
        Assert.Equal(2501UL, (await fx.Market.MeterRecordAsync(Slot, units[0].Index)).ImportWh);
    });

    [Fact]
    public Task Readings_and_signatures_come_in_pairs() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load")))[0];
        var reading = _h.Reading(unit, Slot, 1, 0);
        var call = new ReportReadingsFunction { Readings = [reading.ToStruct(), reading.ToStruct()], Signatures = [reading.Signature] };
        var error = await _h.RevertsAsync<Meter__LengthMismatchError>(SlotEnd,
            new TxRequest(fx.Operator, fx.Market.MarketAddress, call.GetCallData(), label: "mismatched readings"));
        Assert.Equal((2, 1), ((int)error.Readings, (int)error.Signatures));
    });
}
