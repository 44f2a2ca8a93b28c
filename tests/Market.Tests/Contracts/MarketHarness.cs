using System.Numerics;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Orders;
using MicroMarket.Market.Tests.Chain;
using MicroMarket.RunFormat;

namespace MicroMarket.Market.Tests.Contracts;

/// <summary>
/// A unit to register for a test: its id, kind, rating, margin and initial deposit (default 1 000
/// tokens: enough to back a day of offers, each sell step locking (cap - price) per kWh).
/// </summary>
public sealed record UnitSetup(
    string Id,
    UnitKind Kind = UnitKind.Load,
    bool BalanceResponsible = false,
    uint MaxWhPerSlot = 100_000,
    long MarginNano = 0,
    long DepositMicro = 1_000_000_000);

/// <summary>A registered unit with its trading and meter keys.</summary>
public sealed record Participant(uint Index, EthKey Trader, EthKey Meter, UnitSetup Setup);

/// <summary>
/// Builds test markets on the fixture's chain: funded keys, registration, tokens and deposits,
/// and the day's orders, each step one batch mined at an explicit time.
/// </summary>
public sealed class MarketHarness(AnvilFixture fx)
{
    public MarketClient Market => fx.Market;

    public TransactionPipeline Pipeline => fx.Pipeline;

    public MarketParameters Parameters => fx.Market.Parameters;

    public EthKey Operator => fx.Operator;

    /// <summary>Registers the units (indices from the current unit count + 1) and deposits for each.</summary>
    public async Task<IReadOnlyList<Participant>> RegisterAsync(long time, params UnitSetup[] units)
    {
        var first = await Market.UnitCountAsync() + 1;
        var participants = units.Select((u, i) => new Participant(
            first + (uint)i, EthKey.Derive("trader:" + u.Id, 0), EthKey.Derive("meter:" + u.Id, 0), u)).ToList();
        await fx.FundAsync(participants.Select(p => p.Trader));
        var registrations = participants.Select(p => new UnitRegistration(
            p.Setup.Id, p.Setup.Kind, p.Trader.Address, p.Meter.Address, "bus-" + p.Setup.Id,
            p.Setup.BalanceResponsible, p.Setup.MaxWhPerSlot, p.Setup.MarginNano)).ToList();
        await SucceedAsync(time, Market.RegisterUnits(Operator, registrations));
        var funded = participants.Where(p => p.Setup.DepositMicro > 0).ToList();
        if (funded.Count > 0)
        {
            await SucceedAsync(time, funded.Select(p => Market.MintTokens(Operator, p.Trader.Address, p.Setup.DepositMicro)).ToArray());
            await SucceedAsync(time, funded.Select(p => Market.ApproveEscrow(p.Trader, p.Setup.DepositMicro)).ToArray());
            await SucceedAsync(time, funded.Select(p => Market.Deposit(p.Trader, p.Index, p.Setup.DepositMicro)).ToArray());
        }
        return participants;
    }

    /// <summary>Executes the requests in one block at <paramref name="time"/> and asserts every one succeeded.</summary>
    public async Task<IReadOnlyList<TxOutcome>> SucceedAsync(long time, params TxRequest[] requests)
    {
        var outcomes = await Pipeline.ExecuteAsync(requests, time);
        foreach (var outcome in outcomes)
        {
            outcome.EnsureSuccess();
        }
        return outcomes;
    }

    /// <summary>Executes one request at <paramref name="time"/>, asserts it reverted with <typeparamref name="TError"/> and returns the decoded error.</summary>
    public async Task<TError> RevertsAsync<TError>(long time, TxRequest request)
    {
        var outcome = (await Pipeline.ExecuteAsync([request], time))[0];
        Assert.NotEqual(TxStatus.Succeeded, outcome.Status);
        var revert = Assert.IsType<ContractRevertException>(outcome.Failure);
        Assert.True(revert.Is<TError>(), $"expected {typeof(TError).Name}, got {revert.Message}");
        return revert.As<TError>();
    }

    /// <summary>The same curve in every slot of a day (or hour, with <paramref name="slots"/>).</summary>
    public static IReadOnlyList<OrderCurve> Every(int slots, OrderCurve curve) => Enumerable.Repeat(curve, slots).ToList();

    public IReadOnlyList<OrderCurve> EveryDaySlot(uint price, uint quantityWh) => Every(Parameters.SlotsPerDay, OrderCurve.Single(price, quantityWh));

    public IReadOnlyList<OrderCurve> EveryHourSlot(uint price, uint quantityWh) => Every(Parameters.SlotsPerHour, OrderCurve.Single(price, quantityWh));

    public SignedMeterReading Reading(Participant p, uint slot, ulong importWh, ulong exportWh) =>
        Market.ReadingSigner.Sign(p.Meter, p.Index, slot, importWh, exportWh);

    public static BigInteger Nano(long microUnits) => (BigInteger)microUnits * NanoTokens.PerMicro;
}
