using System.Numerics;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.ABI.Model;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.RPC.Eth.DTOs;
using Newtonsoft.Json;

namespace MicroMarket.Market.Tests.Chain;

/// <summary>The cached decoding is Nethereum's: every view output and event decodes to the same values.</summary>
public sealed class DecodedTests
{
    [Fact]
    public void Outputs_decode_as_nethereum_does()
    {
        Same(new AccountOutputDTO { ReturnValue1 = new Account { BalanceNano = BigInteger.Pow(2, 100), LockedNano = 7, MarginNano = 0, DebtNano = 123_456_789 } });
        Same(new PositionsOutputDTO { BoughtWh = [1, 0, ulong.MaxValue, 4], SoldWh = [] });
        Same(new StepFillsOutputDTO { BuyWh = [1, 2, 3, 4], SellWh = [0, 0, 9, 0] });
        Same(new ImbalancePricesOutputDTO { ShortPrice = 250_000, LongPrice = 1, ReferencePrice = 99 });
        Same(new ResultsOutputDTO
        {
            Out =
            [
                new Result { Cleared = true, Price = 120_000, VolumeWh = 5_000, BuyRestWh = 1, BuyAtPriceWh = 2, BuyBonusKey = BigInteger.Pow(2, 90), SellRestWh = 3, SellAtPriceWh = 4, SellBonusKey = 5 },
                new Result(),
            ],
        });
    }

    [Fact]
    public void No_answer_decodes_to_null_as_in_nethereum() =>
        Assert.Equal(Json(new FunctionCallDecoder().DecodeFunctionOutput<AccountOutputDTO>("0x")), Json(Decoded.Output<AccountOutputDTO>("0x")));

    [Fact]
    public void Events_decode_as_nethereum_does_and_other_events_are_left_out()
    {
        var settled = ABITypedRegistry.GetEvent<SettledEventDTO>();
        var data = new ParametersEncoder().EncodeParameters(
            settled.InputParameters.Where(p => !p.Indexed).ToArray(),
            BigInteger.MinusOne * 1_234_567, BigInteger.Parse("98765432109876543210"), -5, 17, 0, 3, 4, true).ToHex(prefix: true);
        FilterLog[] logs =
        [
            Log(settled.Sha3Signature, data, Word(95), Word(55)),
            Log(ABITypedRegistry.GetEvent<SettlementSkippedEventDTO>().Sha3Signature, "0x", Word(95), Word(54)),
            Log(settled.Sha3Signature, data, Word(0), Word(1)),
        ];
        Assert.Equal(Json(logs.DecodeAllEvents<SettledEventDTO>().Select(e => e.Event).ToList()), Json(Decoded.Events<SettledEventDTO>(logs).ToList()));
        Assert.Equal(2, Decoded.Events<SettledEventDTO>(logs).Count());
        Assert.Equal(Json(logs.DecodeAllEvents<SettlementSkippedEventDTO>().Select(e => e.Event).ToList()), Json(Decoded.Events<SettlementSkippedEventDTO>(logs).ToList()));
    }

    private static void Same<TOutput>(TOutput output) where TOutput : IFunctionOutputDTO, new()
    {
        var hex = new ParametersEncoder().EncodeParametersFromTypeAttributes(typeof(TOutput), output).ToHex(prefix: true);
        var nethereum = new FunctionCallDecoder().DecodeFunctionOutput<TOutput>(hex);
        Assert.Equal(Json(output), Json(nethereum));
        Assert.Equal(Json(nethereum), Json(Decoded.Output<TOutput>(hex)));
    }

    private static FilterLog Log(string signature, string data, params string[] indexed) =>
        new() { Topics = [signature.EnsureHexPrefix(), .. indexed], Data = data };

    private static string Word(uint value) => "0x" + value.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every decoded property, BigIntegers and nested structs included, in one comparable text.</summary>
    private static string Json(object? value) => JsonConvert.SerializeObject(value);
}
