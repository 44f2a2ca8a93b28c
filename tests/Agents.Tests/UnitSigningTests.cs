using System.Numerics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using MicroMarket.Agents.Actors;
using MicroMarket.Agents.Running;
using MicroMarket.Agents.Tests.Simulation;
using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Agents.Tests;

/// <summary>
/// A unit signs its own transactions, inside its answer, and nobody else holds its key or asks it to
/// sign: what it hands the market host is its own intent, signed at its next nonces as the chain
/// counts them, sending no ether, with its gas limit, in its place in the block by its index. The
/// host can only send it or not (a held-back transaction carries nothing but the unit's own orders,
/// and the gates bound when it can still execute).
/// </summary>
public sealed class UnitSigningTests : TestKit
{
    [Fact]
    public async Task A_unit_signs_its_own_funding_at_its_next_nonces_in_its_place_and_the_chain_executes_it()
    {
        await using var anvil = await AnvilNode.StartAsync();
        using var chain = await ChainConnection.ConnectAsync(anvil.RpcUrl);
        var pipeline = new TransactionPipeline(chain);
        var operatorKey = anvil.DevAccounts[0];
        var market = await MarketClient.DeployAsync(pipeline, operatorKey, new MarketParameters { GenesisUnixSeconds = 2_000_000_000 });
        var plan = new ScenarioPlan(ScenarioLoader.Load(Repository.Scenario("quickstart.yaml")));
        var unit = plan.Hosted(plan.Units[0]);
        var planned = plan.Plan(plan.Units[0], unit.Identity);
        var trader = unit.Identity.TraderAddress;
        const long deposit = 5_000_000;
        await pipeline.ExecuteAsync(
        [
            market.RegisterUnits(operatorKey, [new UnitRegistration(unit.Identity.Id, planned.Kind, trader, unit.Identity.MeterAddress,
                planned.Spec.Bus, UnitKinds.IsBalanceResponsible(planned.Kind), checked((uint)planned.RatingWhPerSlot), planned.MarginNano)]),
            market.MintTokens(operatorKey, trader, deposit),
            new TxRequest(operatorKey, trader, [], label: "gas for the unit") { Value = BigInteger.Pow(10, 18) },
        ]);
        // Something the trader already sent: the unit must count it (the chain's nonce, not zero).
        await pipeline.ExecuteAsync(new TxRequest(unit.Trader, trader, [], label: "a transfer to itself"));

        using var access = new MarketAccess();
        var host = CreateTestProbe();
        var actor = Sys.ActorOf(UnitActor.Props(unit, access, host.Ref, TimeProvider.System));
        host.ExpectMsg<HostProtocol.UnitOnline>();
        actor.Tell(new HostProtocol.MarketReady(new MarketLocation(anvil.RpcUrl, market.MarketAddress, market.TokenAddress, market.Parameters, pipeline.MinesExplicitly)));
        var next = await chain.GetPendingNonceAsync(trader);
        var funding = await actor.Ask<UnitActor.FundingSigned>(new UnitActor.Funding(deposit), TimeSpan.FromSeconds(10));

        Assert.Equal(unit.Identity.Id, funding.UnitId);
        Assert.Equal(BigInteger.One, next);
        var place = MarketClient.PlaceInBlock(unit.Identity.Index);
        foreach (var (signed, nonce, to) in new[] { (funding.Approve, next, market.TokenAddress), (funding.Deposit, next + 1, market.MarketAddress) })
        {
            var tx = signed.Transaction.Transaction;
            Assert.Equal(trader, signed.Transaction.From, StringComparer.OrdinalIgnoreCase);
            Assert.Equal(nonce, tx.Nonce);
            Assert.Equal(to, tx.To, StringComparer.OrdinalIgnoreCase);
            Assert.Equal(BigInteger.Zero, tx.Value);
            Assert.Equal(chain.ChainId, tx.ChainId);
            // Explicit mining: the quoted tip is zero, so the tip is the unit's place in the block.
            Assert.True(pipeline.MinesExplicitly);
            Assert.Equal(new BigInteger(place), tx.MaxPriorityFeePerGas);
            Assert.True(place < TransactionFees.OwnerPlaces);
        }

        // The host can send them, not change them: the chain recovers the unit's address from each
        // signature, and the deposit lands in the unit's escrow within the gas limit the unit set.
        var outcomes = await pipeline.ExecuteAsync([funding.Approve.ToRequest(), funding.Deposit.ToRequest()]);
        foreach (var outcome in outcomes)
        {
            outcome.EnsureSuccess();
            Assert.True(outcome.GasUsed < outcome.Request.GasLimit, $"{outcome.Request.Label}: {outcome.GasUsed} gas of {outcome.Request.GasLimit}");
        }
        var account = await market.AccountAsync(unit.Identity.Index);
        Assert.Equal(deposit * NanoTokens.PerMicro, account.BalanceNano);
        Assert.Equal(next + 2, await chain.GetPendingNonceAsync(trader));
    }

    [Fact]
    public void Units_sign_in_registry_order_behind_the_market_hosts_own_transactions()
    {
        // The lowest index offers the most, so a block of units' orders is in registry order, and
        // every unit's place stays below the places the pipeline gives the keys it holds.
        var places = Enumerable.Range(1, (int)MarketClient.MaxUnits).Select(i => MarketClient.PlaceInBlock((uint)i)).ToList();
        Assert.Equal(places.OrderByDescending(p => p), places);
        Assert.True(places[^1] > 0);
        Assert.True(places[0] < TransactionFees.OwnerPlaces);
    }
}
