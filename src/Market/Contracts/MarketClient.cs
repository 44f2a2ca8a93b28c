using System.Numerics;
using System.Text;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Contracts.SettlementTokenDefinition;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;

namespace MicroMarket.Market.Contracts;

/// <summary>A unit as the operator registers it.</summary>
public sealed record UnitRegistration(
    string UnitId,
    UnitKind Kind,
    string TraderAddress,
    string MeterAddress,
    string Bus,
    bool BalanceResponsible,
    uint MaxWhPerSlot,
    BigInteger MarginNano);

/// <summary>
/// The grid operator's order to a unit in a slot: its net export lowered (export curtailed, or
/// energy absorbed on order) or raised (import shed, or energy supplied on order) by this much (Wh);
/// the kind says whether the order waives imbalance or is balancing energy paid for as such.
/// </summary>
public sealed record OperatorInstruction(uint Unit, uint CurtailedWh, uint ShedWh, InstructionKind Kind = InstructionKind.Curtailment);

/// <summary>How the contract settles an operator's instruction (its <c>InstructionKind</c>, same order).</summary>
public enum InstructionKind : byte
{
    /// <summary>A schedule-following unit curtailed or shed by the balance: the order waives the imbalance it explains.</summary>
    Curtailment,

    /// <summary>A storage unit the island balance moved: the order is balancing energy, supplied at the short price, absorbed at the long.</summary>
    Balancing,
}

/// <summary>
/// The C# side of the deployed market and its settlement token. Builders return
/// <see cref="TxRequest"/>s so callers batch many participants' transactions into one block through
/// the <see cref="TransactionPipeline"/>; queries are eth_calls decoded into the generated DTOs.
/// </summary>
public sealed class MarketClient
{
    /// <summary>The contract's <c>MAX_UNITS</c>: units it registers at most.</summary>
    public const uint MaxUnits = 640;

    /// <summary>
    /// Units registered per transaction: a registration costs 115 000 to 145 000 gas (99 units took 14.1 M; 200 would
    /// need 24.3 M), so 64 stay far below Ethereum's 2^24 per-transaction cap (EIP-7825) whatever the ids' lengths.
    /// </summary>
    public const int UnitsPerRegistration = 64;

    /// <summary>
    /// Where a unit's own transactions go in a block (see <see cref="TransactionFees.Ahead"/>): the
    /// lower its index, the earlier, so a batch of units' orders is mined in registry order whatever
    /// order they reach the node in, and its gas figures are reproducible.
    /// </summary>
    public static long PlaceInBlock(uint unitIndex) => unitIndex is >= 1 and <= MaxUnits
        ? MaxUnits + 1 - unitIndex
        : throw new ArgumentOutOfRangeException(nameof(unitIndex), unitIndex, $"unit indices run from 1 to {MaxUnits}");

    public MarketClient(TransactionPipeline pipeline, string marketAddress, string tokenAddress, MarketParameters parameters)
    {
        Pipeline = pipeline;
        MarketAddress = marketAddress;
        TokenAddress = tokenAddress;
        Parameters = parameters;
        ReadingSigner = new MeterReadingSigner(pipeline.Chain.ChainId, marketAddress);
    }

    public TransactionPipeline Pipeline { get; }

    public ChainConnection Chain => Pipeline.Chain;

    public string MarketAddress { get; }

    public string TokenAddress { get; }

    public MarketParameters Parameters { get; }

    public MeterReadingSigner ReadingSigner { get; }

    /// <summary>Deploys the settlement token and the market (the operator becomes token issuer and market operator).</summary>
    public static async Task<MarketClient> DeployAsync(
        TransactionPipeline pipeline, EthKey operatorKey, MarketParameters parameters, long? blockTimestamp = null, CancellationToken cancellationToken = default)
    {
        var token = new SettlementTokenDeployment { Name = "MicroMarket Unit", Symbol = "MMU" };
        var tokenOutcome = await pipeline.ExecuteAsync(
            new TxRequest(operatorKey, null, token.GetDeploymentData(), label: "deploy SettlementToken"), blockTimestamp, cancellationToken).ConfigureAwait(false);
        var tokenAddress = tokenOutcome.ContractAddress!;
        var market = new MicroMarketDeployment { Token = tokenAddress, Config = ToConfig(parameters) };
        var marketOutcome = await pipeline.ExecuteAsync(
            new TxRequest(operatorKey, null, market.GetDeploymentData(), label: "deploy MicroMarket"), blockTimestamp, cancellationToken).ConfigureAwait(false);
        return new MarketClient(pipeline, marketOutcome.ContractAddress!, tokenAddress, parameters);
    }

    // ------------------------------------------------------------------ transactions

    public TxRequest RegisterUnits(EthKey operatorKey, IReadOnlyList<UnitRegistration> units) =>
        Market(operatorKey, new RegisterUnitsFunction { Specs = units.Select(ToSpec).ToList() }, $"register {units.Count} unit(s)");

    /// <summary>Step 1 of a key rotation (the operator): the unit's new trading and meter keys, pending the new trader's acceptance.</summary>
    public TxRequest ProposeKeys(EthKey operatorKey, uint unit, string trader, string meter) =>
        Market(operatorKey, new ProposeKeysFunction { Unit = unit, Trader = trader, Meter = meter }, $"propose keys of unit {unit}");

    /// <summary>Step 2 of a key rotation: the proposed trader accepts.</summary>
    public TxRequest AcceptKeys(EthKey newTrader, uint unit) =>
        Market(newTrader, new AcceptKeysFunction { Unit = unit }, $"accept keys of unit {unit}");

    public TxRequest SuspendUnit(EthKey operatorKey, uint unit) =>
        Market(operatorKey, new SuspendUnitFunction { Unit = unit }, $"suspend unit {unit}");

    public TxRequest ReinstateUnit(EthKey operatorKey, uint unit) =>
        Market(operatorKey, new ReinstateUnitFunction { Unit = unit }, $"reinstate unit {unit}");

    /// <summary>Pays the unit what the claims fund holds of its claim on the balance-responsible party.</summary>
    public TxRequest CollectClaim(EthKey caller, uint unit) =>
        Market(caller, new CollectClaimFunction { Unit = unit }, $"collect the claim of unit {unit}");

    public TxRequest MintTokens(EthKey issuer, string to, BigInteger microUnits) =>
        Token(issuer, new MintFunction { To = to, Amount = microUnits }, $"mint {microUnits} to {to}");

    public TxRequest ApproveEscrow(EthKey owner, BigInteger microUnits) => ApproveEscrow(microUnits).By(owner);

    /// <summary>
    /// Lets the market pull <paramref name="microUnits"/> of the signer's tokens into its escrow. Gas
    /// bound: a cold allowance word written from zero and the event stay under 60 000 (about 46 000
    /// measured); a unit signs it itself, so nobody estimates it.
    /// </summary>
    public TxIntent ApproveEscrow(BigInteger microUnits) =>
        TokenIntent(new ApproveFunction { Spender = MarketAddress, Value = microUnits }, "approve escrow", 60_000);

    public TxRequest Deposit(EthKey from, uint unit, BigInteger microUnits) => Deposit(unit, microUnits).By(from);

    /// <summary>
    /// Pays tokens into the unit's escrow. Gas bound: the token's transferFrom (two balances and the
    /// allowance), the account's write, the unit's debt check and the events stay under 150 000.
    /// </summary>
    public TxIntent Deposit(uint unit, BigInteger microUnits) =>
        MarketIntent(new DepositFunction { Unit = unit, AmountMicro = microUnits }, $"deposit {microUnits} for unit {unit}", 150_000);

    public TxRequest Withdraw(EthKey trader, uint unit, BigInteger microUnits, string to) =>
        Market(trader, new WithdrawFunction { Unit = unit, AmountMicro = microUnits, To = to }, $"withdraw {microUnits} of unit {unit}");

    /// <summary>Day-ahead orders for every slot of <paramref name="day"/>; a null or empty side means no orders of that side.</summary>
    public TxRequest SubmitDayAhead(EthKey trader, uint unit, uint day, IReadOnlyList<OrderCurve>? buys, IReadOnlyList<OrderCurve>? sells) =>
        DayAheadOrders(unit, day, buys, sells).By(trader);

    public TxIntent DayAheadOrders(uint unit, uint day, IReadOnlyList<OrderCurve>? buys, IReadOnlyList<OrderCurve>? sells) =>
        Submission(new SubmitDayAheadFunction { Unit = unit, Day = day, Buys = Pack(buys, Parameters.SlotsPerDay), Sells = Pack(sells, Parameters.SlotsPerDay) },
            Parameters.SlotsPerDay, $"day-ahead orders of unit {unit} for day {day}");

    /// <summary>Intra-day orders for every slot of delivery <paramref name="hour"/>.</summary>
    public TxRequest SubmitIntraday(EthKey trader, uint unit, uint hour, IReadOnlyList<OrderCurve>? buys, IReadOnlyList<OrderCurve>? sells) =>
        IntradayOrders(unit, hour, buys, sells).By(trader);

    public TxIntent IntradayOrders(uint unit, uint hour, IReadOnlyList<OrderCurve>? buys, IReadOnlyList<OrderCurve>? sells) =>
        Submission(new SubmitIntradayFunction { Unit = unit, Hour = hour, Buys = Pack(buys, Parameters.SlotsPerHour), Sells = Pack(sells, Parameters.SlotsPerHour) },
            Parameters.SlotsPerHour, $"intra-day orders of unit {unit} for hour {hour}");

    /// <summary>
    /// An order submission with a gas limit computed here rather than estimated: estimating every
    /// unit's submission (a binary search of executions on the node) took longer than mining them.
    /// The bound is safe by construction: per slot and side at most one cold read and one
    /// zero-to-non-zero write of the curve word (2 100 + 22 100 gas) plus its validation and
    /// collateral arithmetic (under 5 800 with four steps), the period's bidder bits and the
    /// account, and the calldata; a test holds the worst case (every step of both sides, first
    /// submission) under it.
    /// </summary>
    private TxIntent Submission<TFunction>(TFunction function, int slots, string label) where TFunction : FunctionMessage, new()
    {
        var data = CallData.Of(function);
        const long perSlotAndSide = 30_000;
        const long fixedCost = 200_000;
        var limit = fixedCost + perSlotAndSide * slots * 2 + 16L * data.Length;
        return new TxIntent(MarketAddress, data, limit, label);
    }

    public TxRequest Clear(EthKey caller, MarketStage stage, SlotIndex firstSlot, uint count, long? gasLimit = null) =>
        Market(caller, new ClearFunction { Stage = (byte)stage, FirstSlot = firstSlot.Value, Count = count }, $"clear {stage} slots {firstSlot}..{firstSlot.Value + count - 1}", gasLimit);

    /// <summary>
    /// Relays signed readings. Gas bound per reading: a cold unit and record read, ecrecover, the
    /// record's zero-to-non-zero write and the event stay under 60 000 (about 40 000 measured on a
    /// fresh chain, 23 500 once the storage ring reuses the record's word).
    /// </summary>
    public TxRequest ReportReadings(EthKey relayer, IReadOnlyList<SignedMeterReading> readings) =>
        Market(relayer, new ReportReadingsFunction
        {
            Readings = readings.Select(r => r.ToStruct()).ToList(),
            Signatures = readings.Select(r => r.Signature).ToList(),
        }, $"report {readings.Count} reading(s)", 150_000 + 60_000L * readings.Count);

    /// <summary>
    /// Settles a slot for some units. Gas bound per unit: cold reads of its curves, account and
    /// record, up to five writes (record, account, clearing house, the BRP's account, debt) and the
    /// event stay under 80 000 (about 36 000 measured); the slot's results are read once.
    /// </summary>
    public TxRequest Settle(EthKey caller, SlotIndex slot, IReadOnlyList<uint> units) =>
        Market(caller, new SettleFunction { Slot = slot.Value, Units = units.ToList() }, $"settle slot {slot} for {units.Count} unit(s)", 200_000 + 80_000L * units.Count);

    /// <summary>
    /// Records the grid operator's curtailment and shedding orders of a slot. Gas bound per item: a
    /// cold unit and record read, the record's write and the event stay under 40 000.
    /// </summary>
    public TxRequest RecordInstructions(EthKey operatorKey, SlotIndex slot, IReadOnlyList<OperatorInstruction> instructions) =>
        Market(operatorKey, new RecordInstructionsFunction
        {
            Slot = slot.Value,
            Items = instructions.Select(i => new Instruction { Unit = i.Unit, CurtailedWh = i.CurtailedWh, ShedWh = i.ShedWh, Kind = (byte)i.Kind }).ToList(),
        }, $"record {instructions.Count} instruction(s) of slot {slot}", 100_000 + 40_000L * instructions.Count);

    /// <summary>
    /// Charges a make-whole uplift of slots [from, to) to the units (<see cref="UpliftShares"/>),
    /// credited to the BRP. Gas bound per share: a cold unit and account read, the account's and the
    /// BRP's writes and the event stay under 60 000.
    /// </summary>
    public TxRequest PayUplift(EthKey operatorKey, SlotIndex from, SlotIndex to, IReadOnlyList<Settlement.UnitUplift> shares) =>
        Market(operatorKey, new PayUpliftFunction
        {
            FromSlot = from.Value,
            ToSlot = to.Value,
            Shares = shares.Select(s => new MicroMarketDefinition.UpliftShare { Unit = s.Unit, Nano = s.Nano }).ToList(),
        }, $"uplift of slots {from}..{to}: {shares.Count} share(s)", 100_000 + 60_000L * shares.Count);

    // ------------------------------------------------------------------ queries

    public async Task<TOutput> QueryAsync<TFunction, TOutput>(TFunction function, string? contract = null)
        where TFunction : FunctionMessage, new()
        where TOutput : IFunctionOutputDTO, new()
    {
        var hex = await Chain.CallAsync(contract ?? MarketAddress, CallData.Of(function)).ConfigureAwait(false);
        return Decoded.Output<TOutput>(hex);
    }

    /// <summary>Many calls of one view in a single JSON-RPC batch (one round trip), outputs in call order.</summary>
    public async Task<IReadOnlyList<TOutput>> QueryManyAsync<TFunction, TOutput>(IReadOnlyList<TFunction> functions, string? contract = null)
        where TFunction : FunctionMessage, new()
        where TOutput : IFunctionOutputDTO, new()
    {
        var to = contract ?? MarketAddress;
        var requests = functions.Select(f => new RpcRequest("eth_call",
            new Dictionary<string, object?> { ["to"] = to, ["data"] = CallData.Of(f).ToHex(prefix: true) }, "latest")).ToList();
        var answers = await Chain.Rpc.BatchAsync(requests).ConfigureAwait(false);
        return answers.Select((a, i) => a.Error is { } error
            ? throw new ContractRevertException($"eth_call {typeof(TFunction).Name} #{i}", error.Data)
            : Decoded.Output<TOutput>(a.Result.GetString()!)).ToList();
    }

    public async Task<TValue> QueryValueAsync<TFunction, TValue>(TFunction function, string? contract = null)
        where TFunction : FunctionMessage, new()
    {
        var hex = await Chain.CallAsync(contract ?? MarketAddress, CallData.Of(function)).ConfigureAwait(false);
        var output = ABITypedRegistry.GetFunctionABI<TFunction>().OutputParameters[0];
        return new FunctionCallDecoder().DecodeSimpleTypeOutput<TValue>(output, hex);
    }

    public async Task<IReadOnlyList<Result>> ResultsAsync(MarketStage stage, SlotIndex firstSlot, uint count) =>
        (await QueryAsync<ResultsFunction, ResultsOutputDTO>(new() { Stage = (byte)stage, FirstSlot = firstSlot.Value, Count = count }).ConfigureAwait(false)).Out;

    /// <summary>Every event of one kind the market has emitted, decoded, oldest first: what the chain itself says happened.</summary>
    public async Task<IReadOnlyList<TEvent>> EventsAsync<TEvent>() where TEvent : IEventDTO, new()
    {
        var topic = ABITypedRegistry.GetEvent<TEvent>().Sha3Signature.EnsureHexPrefix();
        var logs = await Chain.GetLogsAsync(MarketAddress, topic).ConfigureAwait(false);
        return Decoded.Events<TEvent>(logs).ToList();
    }

    /// <summary>
    /// The Settled event of (slot, unit), whoever's transaction settled it, searched from
    /// <paramref name="fromBlock"/> on (a recent block keeps the search short on a long chain); null if none.
    /// </summary>
    public async Task<SettledEventDTO?> SettledEventAsync(SlotIndex slot, uint unit, long fromBlock)
    {
        var topic = ABITypedRegistry.GetEvent<SettledEventDTO>().Sha3Signature.EnsureHexPrefix();
        var logs = await Chain.GetLogsAsync(MarketAddress, [topic, IndexedWord(slot.Value), IndexedWord(unit)], fromBlock).ConfigureAwait(false);
        return Decoded.Events<SettledEventDTO>(logs).LastOrDefault();
    }

    /// <summary>An indexed uint event argument as its topic: 32 bytes, big-endian.</summary>
    private static string IndexedWord(uint value) => "0x" + value.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<(IReadOnlyList<ulong> BoughtWh, IReadOnlyList<ulong> SoldWh)> PositionsAsync(MarketStage stage, SlotIndex firstSlot, uint count, uint unit)
    {
        var output = await QueryAsync<PositionsFunction, PositionsOutputDTO>(
            new() { Stage = (byte)stage, FirstSlot = firstSlot.Value, Count = count, Unit = unit }).ConfigureAwait(false);
        return (output.BoughtWh, output.SoldWh);
    }

    /// <summary>The slot's short, long and reference imbalance prices as the contract computes them (both auctions must be cleared).</summary>
    public async Task<Settlement.ImbalancePrices> ImbalancePricesAsync(SlotIndex slot)
    {
        var p = await QueryAsync<ImbalancePricesFunction, ImbalancePricesOutputDTO>(new() { Slot = slot.Value }).ConfigureAwait(false);
        return new(new Price((uint)p.ShortPrice), new Price((uint)p.LongPrice), new Price((uint)p.ReferencePrice));
    }

    public async Task<Account> AccountAsync(uint unit) =>
        (await QueryAsync<AccountFunction, AccountOutputDTO>(new() { Unit = unit }).ConfigureAwait(false)).ReturnValue1;

    /// <summary>The accounts of <paramref name="units"/>, in their order, in one call.</summary>
    public async Task<IReadOnlyList<Account>> AccountsAsync(IEnumerable<uint> units) =>
        (await QueryAsync<AccountsFunction, AccountsOutputDTO>(new() { Units = [.. units] }).ConfigureAwait(false)).Held;

    public async Task<MeterRecord> MeterRecordAsync(SlotIndex slot, uint unit) =>
        (await QueryAsync<MeterRecordFunction, MeterRecordOutputDTO>(new() { Slot = slot.Value, Unit = unit }).ConfigureAwait(false)).ReturnValue1;

    public Task<BigInteger> ClearingHouseNanoAsync() => QueryValueAsync<ClearingHouseNanoFunction, BigInteger>(new());

    public Task<uint> UnitCountAsync() => QueryValueAsync<UnitCountFunction, uint>(new());

    /// <summary>The index of the unit registered as <paramref name="unitId"/>, 0 if none.</summary>
    public Task<uint> UnitIndexAsync(string unitId) => QueryValueAsync<UnitIndexFunction, uint>(new() { UnitId = ToBytes32(unitId) });

    public Task<BigInteger> TokenBalanceAsync(string owner) =>
        QueryValueAsync<BalanceOfFunction, BigInteger>(new() { Account = owner }, TokenAddress);

    // ------------------------------------------------------------------ encoding

    /// <summary>A string id as the contract's bytes32: UTF-8, right-padded with zeros, at most 32 bytes.</summary>
    public static byte[] ToBytes32(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > 32)
        {
            throw new ArgumentException($"'{text}' is longer than 32 bytes in UTF-8.", nameof(text));
        }
        var word = new byte[32];
        bytes.CopyTo(word, 0);
        return word;
    }

    public static string FromBytes32(byte[] word) => Encoding.UTF8.GetString(word).TrimEnd('\0');

    private static UnitSpec ToSpec(UnitRegistration u) => new()
    {
        UnitId = ToBytes32(u.UnitId),
        Kind = (byte)u.Kind,
        Trader = u.TraderAddress,
        Meter = u.MeterAddress,
        Bus = ToBytes32(u.Bus),
        BalanceResponsible = u.BalanceResponsible,
        MaxWhPerSlot = u.MaxWhPerSlot,
        MarginNano = u.MarginNano,
    };

    private static MarketConfig ToConfig(MarketParameters p) => new()
    {
        Genesis = checked((ulong)p.GenesisUnixSeconds),
        SlotSeconds = checked((uint)p.SlotSeconds),
        SlotsPerHour = checked((uint)p.SlotsPerHour),
        DayAheadGateLead = checked((uint)p.DayAheadGateLeadSeconds),
        IntradayGateLead = checked((uint)p.IntradayGateLeadSeconds),
        ReadingWindow = checked((uint)p.ReadingWindowSeconds),
        PriceFloor = p.PriceFloorMicroPerKwh,
        PriceCap = p.PriceCapMicroPerKwh,
        ImbalancePenaltyBps = p.ImbalancePenaltyBps,
        ImbalanceFallbackPrice = p.ImbalanceFallbackPriceMicroPerKwh,
        ImbalanceMinVolumeWh = p.ImbalanceMinVolumeWh,
        ShortPriceFloor = p.ShortPriceFloorMicroPerKwh,
        LongPriceCap = p.EffectiveLongPriceCapMicroPerKwh,
        MissingReadingFeeNano = p.MissingReadingFeeNano,
    };

    private static List<BigInteger> Pack(IReadOnlyList<OrderCurve>? curves, int slotsPerPeriod)
    {
        if (curves is null || curves.All(c => c.IsEmpty))
        {
            return [];
        }
        if (curves.Count != slotsPerPeriod)
        {
            throw new ArgumentException($"Give one curve per slot of the period ({slotsPerPeriod}), not {curves.Count}.", nameof(curves));
        }
        return curves.Select(c => c.Pack()).ToList();
    }

    private TxRequest Market<TFunction>(EthKey from, TFunction function, string label, long? gasLimit = null)
        where TFunction : FunctionMessage, new() =>
        MarketIntent(function, label, gasLimit).By(from);

    private TxIntent MarketIntent<TFunction>(TFunction function, string label, long? gasLimit = null)
        where TFunction : FunctionMessage, new() =>
        new(MarketAddress, CallData.Of(function), gasLimit, label);

    private TxRequest Token<TFunction>(EthKey from, TFunction function, string label)
        where TFunction : FunctionMessage, new() =>
        TokenIntent(function, label).By(from);

    private TxIntent TokenIntent<TFunction>(TFunction function, string label, long? gasLimit = null)
        where TFunction : FunctionMessage, new() =>
        new(TokenAddress, CallData.Of(function), gasLimit, label);
}
