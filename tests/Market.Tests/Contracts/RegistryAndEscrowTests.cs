using System.Numerics;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using ArmFunction = MicroMarket.Market.Contracts.ReentrantTokenDefinition.ArmFunction;
using ReentrantTokenDeployment = MicroMarket.Market.Contracts.ReentrantTokenDefinition.ReentrantTokenDeployment;
using MicroMarket.Market.Contracts.SettlementTokenDefinition;
using HostileMint = MicroMarket.Market.Contracts.ReentrantTokenDefinition.MintFunction;
using HostileApprove = MicroMarket.Market.Contracts.ReentrantTokenDefinition.ApproveFunction;
using MicroMarket.Market.Tests.Chain;
using MicroMarket.RunFormat;
using Nethereum.Contracts;

namespace MicroMarket.Market.Tests.Contracts;

[Collection(AnvilCollection.Name)]
public sealed class RegistryAndEscrowTests(AnvilFixture fx)
{
    private const long T = AnvilFixture.Deployed + 100;
    private readonly MarketHarness _h = new(fx);

    [Fact]
    public Task Units_get_consecutive_indices_and_their_registration_is_emitted() => fx.IsolatedAsync(async () =>
    {
        var meter = EthKey.Derive("m", 1);
        var registration = new UnitRegistration("pv-7", UnitKind.Pv, fx.Operator.Address, meter.Address, "bus-12", false, 5000, 7);
        var outcome = (await _h.SucceedAsync(T, fx.Market.RegisterUnits(fx.Operator, [registration, registration with { UnitId = "pv-8" }])))[0];
        var events = outcome.Events<UnitRegisteredEventDTO>().ToList();
        Assert.Equal([1u, 2u], events.Select(e => e.Unit));
        Assert.Equal("pv-7", MarketClient.FromBytes32(events[0].UnitId));
        Assert.Equal("bus-12", MarketClient.FromBytes32(events[0].Bus));
        Assert.Equal((byte)UnitKind.Pv, events[0].Kind);
        Assert.Equal(meter.Address, events[0].Meter, ignoreCase: true);
        Assert.Equal(2u, await fx.Market.UnitIndexAsync("pv-8"));
        Assert.Equal(new BigInteger(7), (await fx.Market.AccountAsync(1)).MarginNano);
    });

    [Fact]
    public Task Only_the_operator_registers() => fx.IsolatedAsync(async () =>
    {
        var stranger = EthKey.Derive("stranger", 0);
        await fx.FundAsync([stranger]);
        var error = await _h.RevertsAsync<Registry__NotOperatorError>(T, fx.Market.RegisterUnits(stranger, [Registration("x")]));
        Assert.Equal(stranger.Address, error.Caller, ignoreCase: true);
    });

    [Fact]
    public Task A_unit_id_is_registered_once() => fx.IsolatedAsync(async () =>
    {
        await _h.SucceedAsync(T, fx.Market.RegisterUnits(fx.Operator, [Registration("dup")]));
        var error = await _h.RevertsAsync<Registry__UnitIdTakenError>(T, fx.Market.RegisterUnits(fx.Operator, [Registration("dup")]));
        Assert.Equal("dup", MarketClient.FromBytes32(error.UnitId));
    });

    [Fact]
    public Task Trader_and_meter_must_be_real_accounts() => fx.IsolatedAsync(async () =>
    {
        const string zero = "0x0000000000000000000000000000000000000000";
        await _h.RevertsAsync<Registry__ZeroAddressError>(T, fx.Market.RegisterUnits(fx.Operator, [Registration("a") with { TraderAddress = zero }]));
        await _h.RevertsAsync<Registry__ZeroAddressError>(T, fx.Market.RegisterUnits(fx.Operator, [Registration("b") with { MeterAddress = zero }]));
    });

    [Fact]
    public Task A_meter_key_is_never_the_trading_key() => fx.IsolatedAsync(async () =>
    {
        // Finding "a missing reading pays net buyers": the meter key sat in the participant's own key
        // file, so metering was self-attested. The registry refuses a unit whose meter is its trader.
        var error = await _h.RevertsAsync<Registry__MeterIsTraderError>(T,
            fx.Market.RegisterUnits(fx.Operator, [Registration("self") with { MeterAddress = fx.Operator.Address }]));
        Assert.Equal(fx.Operator.Address, error.Account, ignoreCase: true);
    });

    [Fact]
    public Task Keys_rotate_in_two_steps_proposed_by_the_operator_and_accepted_by_the_new_trader() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load")))[0];
        var (newTrader, newMeter) = (EthKey.Derive("new-trader", 0), EthKey.Derive("new-meter", 0));
        await fx.FundAsync([newTrader]);
        await _h.RevertsAsync<Registry__NotOperatorError>(T, fx.Market.ProposeKeys(unit.Trader, unit.Index, newTrader.Address, newMeter.Address));
        await _h.RevertsAsync<Registry__MeterIsTraderError>(T, fx.Market.ProposeKeys(fx.Operator, unit.Index, newTrader.Address, newTrader.Address));
        var proposed = (await _h.SucceedAsync(T, fx.Market.ProposeKeys(fx.Operator, unit.Index, newTrader.Address, newMeter.Address)))[0];
        Assert.Equal(newMeter.Address, Assert.Single(proposed.Events<KeysProposedEventDTO>()).Meter, ignoreCase: true);
        // Until accepted, nothing changes: the old trader still trades, the new one cannot.
        await _h.RevertsAsync<Registry__NotTraderError>(T, fx.Market.Withdraw(newTrader, unit.Index, 1, newTrader.Address));
        var stranger = await _h.RevertsAsync<Registry__NotProposedTraderError>(T, fx.Market.AcceptKeys(unit.Trader, unit.Index));
        Assert.Equal(unit.Trader.Address, stranger.Caller, ignoreCase: true);

        var rotated = Assert.Single((await _h.SucceedAsync(T, fx.Market.AcceptKeys(newTrader, unit.Index)))[0].Events<KeysRotatedEventDTO>());
        Assert.Equal((unit.Trader.Address.ToLowerInvariant(), newTrader.Address.ToLowerInvariant()), (rotated.OldTrader.ToLowerInvariant(), rotated.Trader.ToLowerInvariant()));
        await _h.RevertsAsync<Registry__NotTraderError>(T, fx.Market.Withdraw(unit.Trader, unit.Index, 1, unit.Trader.Address));
        await _h.SucceedAsync(T, fx.Market.Withdraw(newTrader, unit.Index, 1, newTrader.Address));
        // The proposal is used up, and readings must now come from the new meter.
        await _h.RevertsAsync<Registry__NotProposedTraderError>(T, fx.Market.AcceptKeys(newTrader, unit.Index));
        var slotEnd = fx.Market.Parameters.SlotEnd(0);
        await _h.RevertsAsync<Meter__InvalidSignerError>(slotEnd, fx.Market.ReportReadings(fx.Operator, [_h.Reading(unit, 0, 1, 0)]));
        await _h.SucceedAsync(slotEnd, fx.Market.ReportReadings(fx.Operator, [fx.Market.ReadingSigner.Sign(newMeter, unit.Index, 0, 1, 0)]));
    });

    [Fact]
    public Task There_is_one_balance_responsible_party() => fx.IsolatedAsync(async () =>
    {
        await _h.SucceedAsync(T, fx.Market.RegisterUnits(fx.Operator, [Registration("slack") with { BalanceResponsible = true }]));
        var error = await _h.RevertsAsync<Registry__BalanceResponsiblePartyExistsError>(
            T, fx.Market.RegisterUnits(fx.Operator, [Registration("slack-2") with { BalanceResponsible = true }]));
        Assert.Equal(1u, error.Existing);
    });

    [Fact]
    public Task The_registry_is_bounded() => fx.IsolatedAsync(async () =>
    {
        var max = (int)await fx.Market.QueryValueAsync<MAX_UNITSFunction, BigInteger>(new());
        Assert.Equal(MarketClient.MaxUnits, (uint)max);
        // About 115 000 gas per registration: 128 stay under the 2^24 per-transaction cap.
        const int chunk = 128;
        var all = Enumerable.Range(0, max).Select(i => Registration("u" + i)).ToList();
        for (var start = 0; start < max; start += chunk)
        {
            await _h.SucceedAsync(T, fx.Market.RegisterUnits(fx.Operator, all.Skip(start).Take(chunk).ToList()));
        }
        var error = await _h.RevertsAsync<Registry__TooManyUnitsError>(T, fx.Market.RegisterUnits(fx.Operator, [Registration("one-too-many")]));
        Assert.Equal(new BigInteger(max), error.Max);
    });

    [Fact]
    public Task Unknown_units_are_rejected() => fx.IsolatedAsync(async () =>
    {
        var error = await _h.RevertsAsync<Registry__UnknownUnitError>(T, fx.Market.Deposit(fx.Operator, 99, 1));
        Assert.Equal(99u, error.Unit);
        await _h.RevertsAsync<Registry__UnknownUnitError>(T, fx.Market.Deposit(fx.Operator, 0, 1));
    });

    [Fact]
    public Task Only_a_units_trader_trades_or_withdraws_for_it() => fx.IsolatedAsync(async () =>
    {
        var units = await _h.RegisterAsync(T, new UnitSetup("load-a"), new UnitSetup("load-b"));
        var (a, b) = (units[0], units[1]);
        var error = await _h.RevertsAsync<Registry__NotTraderError>(T, fx.Market.SubmitDayAhead(b.Trader, a.Index, 0, _h.EveryDaySlot(1000, 1), null));
        Assert.Equal(a.Index, error.Unit);
        Assert.Equal(b.Trader.Address, error.Caller, ignoreCase: true);
        await _h.RevertsAsync<Registry__NotTraderError>(T, fx.Market.Withdraw(b.Trader, a.Index, 1, b.Trader.Address));
    });

    [Fact]
    public Task Deposits_and_withdrawals_move_tokens_and_nano_balances_exactly() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load", DepositMicro: 5_000_000)))[0];
        Assert.Equal(MarketHarness.Nano(5_000_000), (await fx.Market.AccountAsync(unit.Index)).BalanceNano);
        Assert.Equal(new BigInteger(5_000_000), await fx.Market.TokenBalanceAsync(fx.Market.MarketAddress));

        var outcome = (await _h.SucceedAsync(T, fx.Market.Withdraw(unit.Trader, unit.Index, 1_234_567, unit.Trader.Address)))[0];
        var withdrawn = Assert.Single(outcome.Events<WithdrawnEventDTO>());
        Assert.Equal(new BigInteger(1_234_567), withdrawn.AmountMicro);
        Assert.Equal(MarketHarness.Nano(5_000_000 - 1_234_567), (await fx.Market.AccountAsync(unit.Index)).BalanceNano);
        Assert.Equal(new BigInteger(1_234_567), await fx.Market.TokenBalanceAsync(unit.Trader.Address));
    });

    [Fact]
    public Task Zero_amounts_are_rejected() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load")))[0];
        await _h.RevertsAsync<Escrow__ZeroAmountError>(T, fx.Market.Deposit(unit.Trader, unit.Index, 0));
        await _h.RevertsAsync<Escrow__ZeroAmountError>(T, fx.Market.Withdraw(unit.Trader, unit.Index, 0, unit.Trader.Address));
    });

    [Fact]
    public Task Locked_collateral_and_margin_cannot_be_withdrawn() => fx.IsolatedAsync(async () =>
    {
        // 10 tokens deposited, a 1-token margin, and bids locking 96 x 0.05 token.
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load", MarginNano: 1_000_000_000, DepositMicro: 10_000_000)))[0];
        await _h.SucceedAsync(T, fx.Market.SubmitDayAhead(unit.Trader, unit.Index, 0, _h.EveryDaySlot(100_000, 500), null));
        var lockedNano = (BigInteger)96 * 100_000 * 500;
        Assert.Equal(lockedNano, (await fx.Market.AccountAsync(unit.Index)).LockedNano);
        var freeNano = MarketHarness.Nano(10_000_000) - lockedNano - 1_000_000_000;
        var freeMicro = (long)(freeNano / NanoTokens.PerMicro);
        var error = await _h.RevertsAsync<Escrow__InsufficientFreeBalanceError>(T, fx.Market.Withdraw(unit.Trader, unit.Index, freeMicro + 1, unit.Trader.Address));
        Assert.Equal(freeNano, error.FreeNano);
        await _h.SucceedAsync(T, fx.Market.Withdraw(unit.Trader, unit.Index, freeMicro, unit.Trader.Address));
    });

    [Fact]
    public Task Only_the_issuer_mints() => fx.IsolatedAsync(async () =>
    {
        var stranger = EthKey.Derive("stranger", 1);
        await fx.FundAsync([stranger]);
        var error = await _h.RevertsAsync<Token__NotIssuerError>(T, fx.Market.MintTokens(stranger, stranger.Address, 1));
        Assert.Equal(stranger.Address, error.Caller, ignoreCase: true);
    });

    [Theory]
    [InlineData("slotSeconds")]
    [InlineData("slotsPerHour")]
    [InlineData("intradayGateLead")]
    [InlineData("priceFloor")]
    [InlineData("imbalanceFallbackPrice")]
    [InlineData("shortPriceFloor")]
    [InlineData("longPriceCap")]
    [InlineData("readingWindow")]
    public Task Bad_market_configuration_is_rejected_at_deployment(string field) => fx.IsolatedAsync(async () =>
    {
        var config = new MarketConfig
        {
            Genesis = 1, SlotSeconds = 900, SlotsPerHour = 4, DayAheadGateLead = 43_200, IntradayGateLead = 3_600, ReadingWindow = 900,
            PriceFloor = 0, PriceCap = 10, ImbalanceFallbackPrice = 5, ShortPriceFloor = 5, LongPriceCap = 5,
        };
        switch (field)
        {
            case "slotSeconds": config.SlotSeconds = 0; break;
            case "slotsPerHour": config.SlotsPerHour = 61; break;
            case "intradayGateLead": config.IntradayGateLead = 43_201; break;
            case "priceFloor": config.PriceFloor = 11; break;
            case "imbalanceFallbackPrice": config.ImbalanceFallbackPrice = 11; break;
            case "shortPriceFloor": config.ShortPriceFloor = 11; break;
            case "longPriceCap": config.LongPriceCap = 11; break;
            default: config.ReadingWindow = 0; break;
        }
        var deployment = new MicroMarketDeployment { Token = fx.Market.TokenAddress, Config = config };
        var error = await _h.RevertsAsync<Market__InvalidConfigError>(T, new TxRequest(fx.Operator, null, deployment.GetDeploymentData(), label: "deploy"));
        Assert.Equal(field, error.Field);
    });

    [Fact]
    public Task Withdraw_cannot_be_reentered_by_a_hostile_token() => fx.IsolatedAsync(async () =>
    {
        var trader = EthKey.Derive("victim", 0);
        await fx.FundAsync([trader]);
        var token = (await _h.SucceedAsync(T, new TxRequest(fx.Operator, null, new ReentrantTokenDeployment().GetDeploymentData(), label: "deploy hostile token")))[0].ContractAddress!;
        var market = (await _h.SucceedAsync(T, new TxRequest(fx.Operator, null, new MicroMarketDeployment
        {
            Token = token,
            Config = new MarketConfig
            {
                Genesis = (ulong)AnvilFixture.Genesis, SlotSeconds = 900, SlotsPerHour = 4, DayAheadGateLead = 43_200, IntradayGateLead = 3_600,
                ReadingWindow = 900, PriceCap = 1_000_000,
            },
        }.GetDeploymentData(), label: "deploy market on hostile token")))[0].ContractAddress!;
        var client = new MarketClient(fx.Pipeline, market, token, AnvilFixture.Parameters);
        await _h.SucceedAsync(T, client.RegisterUnits(fx.Operator, [new UnitRegistration("victim", UnitKind.Load, trader.Address, fx.Operator.Address, "b", false, 1000, 0)]));
        await _h.SucceedAsync(T, new TxRequest(fx.Operator, token, new HostileMint { To = trader.Address, Amount = 1000 }.GetCallData(), label: "mint"));
        await _h.SucceedAsync(T, new TxRequest(trader, token, new HostileApprove { Spender = market, Value = 1000 }.GetCallData(), label: "approve"));
        await _h.SucceedAsync(T, client.Deposit(trader, 1, 1000));
        await _h.SucceedAsync(T, new TxRequest(fx.Operator, token, new ArmFunction { Escrow = market, Unit = 1 }.GetCallData(), label: "arm"));

        await _h.RevertsAsync<ReentrancyGuardReentrantCallError>(T, client.Withdraw(trader, 1, 400, trader.Address));
        Assert.Equal(MarketHarness.Nano(1000), (await client.AccountAsync(1)).BalanceNano);
    });

    private static readonly EthKey Meter = EthKey.Derive("registry-meter", 0);

    private UnitRegistration Registration(string id) =>
        new(id, UnitKind.Load, fx.Operator.Address, Meter.Address, "bus", false, 1000, 0);
}
