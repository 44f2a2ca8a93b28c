using System.Numerics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using MicroMarket.Agents.Actors;
using MicroMarket.Agents.Running;
using MicroMarket.Agents.Tests.Simulation;
using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Scenarios;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Agents.Tests;

/// <summary>
/// Finding (lower) of the market-rules review: "the remote signer does not check nonce, gas price or
/// limit and never consumes its remembered intents". A unit actor, asked by whoever hosts the market
/// to sign, signs only a transaction it asked for, with no value, bounded gas and fee, at its next
/// nonce, and one intent at one nonce only, so that a malicious host can neither drain its ether,
/// nor have an intent executed twice, nor hold a signed transaction back for later.
/// </summary>
public sealed class UnitSigningTests : TestKit
{
    [Fact]
    public async Task A_unit_signs_only_its_own_intent_once_at_its_next_nonce_with_bounded_gas_and_fee()
    {
        await using var anvil = await AnvilNode.StartAsync();
        using var chain = await ChainConnection.ConnectAsync(anvil.RpcUrl);
        var market = await MarketClient.DeployAsync(new TransactionPipeline(chain), anvil.DevAccounts[0], new MarketParameters { GenesisUnixSeconds = 2_000_000_000 });
        var plan = new ScenarioPlan(ScenarioLoader.Load(Repository.Scenario("quickstart.yaml")));
        var unit = plan.Hosted(plan.Units[0]);
        using var access = new MarketAccess();
        var host = CreateTestProbe();
        var actor = Sys.ActorOf(UnitActor.Props(unit, access, host.Ref));
        host.ExpectMsg<HostProtocol.UnitOnline>();
        actor.Tell(new HostProtocol.MarketReady(new MarketLocation(anvil.RpcUrl, market.MarketAddress, market.TokenAddress, market.Parameters)));
        var intents = await actor.Ask<UnitActor.FundingIntents>(new UnitActor.Funding(1_000), TimeSpan.FromSeconds(10));
        var next = await chain.GetPendingNonceAsync(unit.Identity.TraderAddress);
        RawTransaction Tx(TxIntent intent, BigInteger nonce, long gas = 100_000, BigInteger? value = null, BigInteger? fee = null) =>
            new(nonce, 0, fee ?? 1, gas, intent.To, value ?? 0, intent.Data, chain.ChainId);

        var stranger = market.Withdraw(anvil.DevAccounts[1], 1, 1, anvil.DevAccounts[1].Address);
        await Refused(actor, Tx(new TxIntent(stranger.To!, stranger.Data, null, ""), next), "it did not ask for this transaction");
        await Refused(actor, Tx(intents.Approve, next, value: 1), "it sends no ether");
        await Refused(actor, Tx(intents.Approve, next, gas: TransactionPipeline.TransactionGasCap + 1), "gas limit 16777217 is above 16777216");
        await Refused(actor, Tx(intents.Approve, next, fee: BigInteger.Pow(10, 13) + 1), "fee cap 10000000000001 wei per gas is above 10000000000000");
        await Refused(actor, Tx(intents.Approve, next + 1), $"nonce {next + 1} is not its next ({next})");

        var signed = await Signed(actor, Tx(intents.Approve, next));
        // Signed again at that nonce (a replacement after a failed send) but never at another.
        Assert.Equal(signed.Hash, (await Signed(actor, Tx(intents.Approve, next))).Hash);
        await Refused(actor, Tx(intents.Approve, next + 1), $"it signed this transaction at nonce {next} already");
    }

    private static async Task<SignedTransaction> Signed(IActorRef unit, RawTransaction tx)
    {
        var answer = await unit.Ask<object>(new HostProtocol.SignTransaction(tx), TimeSpan.FromSeconds(10));
        return Assert.IsType<HostProtocol.TransactionSigned>(answer).Transaction;
    }

    private static async Task Refused(IActorRef unit, RawTransaction tx, string why)
    {
        var answer = await unit.Ask<object>(new HostProtocol.SignTransaction(tx), TimeSpan.FromSeconds(10));
        Assert.EndsWith(why, Assert.IsType<HostProtocol.SigningRefused>(answer).Reason, StringComparison.Ordinal);
    }
}
