using System.ComponentModel;
using System.Text;
using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Clearing;
using MicroMarket.Market.Contracts;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>
/// `micromarket clear --book FILE.csv [--on-chain]`: clears one slot's order book and prints
/// <c>{"price_micro_tokens_per_kwh": P, "volume_wh": V, "fills_wh": {"id": Wh, ...}}</c> on stdout (docs/clear.md). Without --on-chain the C#
/// reference clears it; with it, a fresh Anvil is started and the book goes through the real
/// contract path (registration, collateral, submission, gate, clearing, fills read back).
/// </summary>
public sealed class ClearCommand : AsyncCommand<ClearCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--book <FILE>")]
        [Description("CSV with header id,side,price,quantity (side buy|sell, price in micro-tokens per kWh, quantity in Wh; docs/clear.md)")]
        public string? Book { get; init; }

        [CommandOption("--on-chain")]
        [Description("clear through the contracts on a freshly started Anvil instead of the C# reference")]
        public bool OnChain { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var path = settings.Book ?? throw new BadInputException("clear: --book FILE.csv is required");
        var book = ReadBook(path);
        if (settings.OnChain && BookClearingOnChain.WhyNotAdmitted(book) is { } refused)
        {
            throw new BadInputException($"clear --on-chain: {path}: {refused}; clear it without --on-chain (the C# reference has no such bound)");
        }
        var result = settings.OnChain
            ? await ClearOnChainAsync(book, cancellationToken)
            : ReferenceClearing.Clear(book);
        ClearingResultJson.Write(result, Console.Out);
        Console.Out.WriteLine();
        return MicroMarketApp.ExitOk;
    }

    private static OrderBook ReadBook(string path)
    {
        InputFiles.Require(path, "CSV order book", "clear: ");
        // Strict UTF-8: a Latin-1 book fails here instead of being read with U+FFFD.
        using var reader = new StreamReader(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        try
        {
            return OrderBookCsv.Read(reader, path);
        }
        catch (OrderBookFormatException ex)
        {
            throw new BadInputException(ex.Message);
        }
        catch (DecoderFallbackException)
        {
            throw new BadInputException($"clear: {path}: the order book is not UTF-8 text (Latin-1 or Windows-1252?): save it as UTF-8");
        }
    }

    private static async Task<ClearingResult> ClearOnChainAsync(OrderBook book, CancellationToken cancellationToken)
    {
        // The chain starts a day before the market's first delivery day, so its gate is open.
        const long chainStart = 1_767_139_200; // 2025-12-31 00:00 UTC
        await using var anvil = await AnvilNode.StartAsync(new AnvilOptions { GenesisTimestamp = chainStart }, cancellationToken);
        using var chain = await ChainConnection.ConnectAsync(anvil.RpcUrl);
        var pipeline = new TransactionPipeline(chain);
        var operatorKey = anvil.DevAccounts[0];
        var market = await MarketClient.DeployAsync(pipeline, operatorKey,
            BookClearingOnChain.ParametersFor(chainStart + MarketParameters.SecondsPerDay), chainStart + 1, cancellationToken);
        return await BookClearingOnChain.ClearAsync(market, operatorKey, book, cancellationToken);
    }
}
