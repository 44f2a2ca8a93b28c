using System.Numerics;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Contracts.SettlementTokenDefinition;
using Nethereum.Contracts;

namespace MicroMarket.Market.Tests.Chain;

/// <summary>The cached encoding is Nethereum's, byte for byte: transactions and their hashes must not change.</summary>
public sealed class CallDataTests
{
    [Fact]
    public void Scalar_parameters_encode_as_nethereum_does()
    {
        Same(new AccountFunction { Unit = 7 });
        Same(new StepFillsFunction { Stage = 1, Slot = 95, Unit = 55 });
        Same(new ClearFunction { Stage = 0, FirstSlot = 96, Count = 4 });
        Same(new DepositFunction { Unit = 3, AmountMicro = BigInteger.Parse("123456789012345678901234567890") });
        Same(new SettleFunction { Slot = 12, Units = [1, 2, 40] });
        Same(new TransferFunction { To = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", Value = 2_000_000 });
    }

    [Fact]
    public void Struct_parameters_encode_as_nethereum_does()
    {
        Same(new RecordInstructionsFunction
        {
            Slot = 4,
            Items = [new Instruction { Unit = 2, CurtailedWh = 100, ShedWh = 0, Kind = 1 }, new Instruction { Unit = 9, CurtailedWh = 0, ShedWh = 7 }],
        });
        Same(new RecordInstructionsFunction { Slot = 5, Items = [] });
        Same(new ReportReadingsFunction
        {
            Readings = [new MeterReading { Unit = 1, Slot = 95, ImportWh = 1234, ExportWh = 0 }, new MeterReading { Unit = 99, Slot = 95, ImportWh = 0, ExportWh = ulong.MaxValue }],
            Signatures = [new byte[65], Enumerable.Range(0, 65).Select(i => (byte)i).ToArray()],
        });
        Same(new PayUpliftFunction { FromSlot = 0, ToSlot = 96, Shares = [new UpliftShare { Unit = 3, Nano = BigInteger.Pow(10, 20) }] });
        Same(new RegisterUnitsFunction
        {
            Specs =
            [
                new UnitSpec
                {
                    UnitId = new byte[32], Kind = 2, Trader = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", Meter = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
                    Bus = Enumerable.Repeat((byte)7, 32).ToArray(), BalanceResponsible = true, MaxWhPerSlot = 5000, MarginNano = 12345,
                },
            ],
        });
    }

    private static void Same<TFunction>(TFunction function) where TFunction : FunctionMessage, new() =>
        Assert.Equal(function.GetCallData(), CallData.Of(function));
}
