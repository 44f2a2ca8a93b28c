using MicroMarket.RunFormat;
using System.Text.Json;
using CsCheck;
using MicroMarket.Market.Clearing;

namespace MicroMarket.Cli.Tests;

public sealed class ClearCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("micromarket-clear-");

    [Fact]
    public async Task The_reference_prints_price_volume_and_nonzero_fills()
    {
        var book = Write("book.csv", "id,side,price,quantity\n7,buy,300000,800\n2,sell,100000,1000\n3,buy,90000,500\n");
        var run = await CliProcess.RunAsync("clear", "--book", book);
        Assert.Equal(0, run.ExitCode);
        // V = 800; the seller is partly outside at 0.10 and the 0.09 buy is outside: lo = max(0.10, 0.09), hi = min(0.30, 0.10).
        Assert.Equal("""{"price_micro_tokens_per_kwh":100000,"volume_wh":800,"fills_wh":{"2":800,"7":800}}""", run.Stdout.Trim());
    }

    [Fact]
    public async Task The_example_book_prints_what_docs_clear_md_shows()
    {
        var docs = File.ReadAllText(Path.Combine(Repository.Root, "docs", "clear.md"));
        var start = docs.IndexOf("```json", docs.IndexOf("## The result", StringComparison.Ordinal), StringComparison.Ordinal) + "```json".Length;
        var shown = docs[start..docs.IndexOf("```", start, StringComparison.Ordinal)].Trim();

        var run = await CliProcess.RunAsync("clear", "--book", Path.Combine(Repository.Root, "scenarios", "books", "example.csv"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(shown, run.Stdout.Trim());
    }

    [Fact]
    public async Task A_book_that_does_not_cross_has_no_price()
    {
        var book = Write("book.csv", "id,side,price,quantity\n1,buy,100,5\n2,sell,200,5\n");
        var run = await CliProcess.RunAsync("clear", "--book", book);
        Assert.Equal("""{"price_micro_tokens_per_kwh":null,"volume_wh":0,"fills_wh":{}}""", run.Stdout.Trim());
    }

    [Fact]
    public async Task The_largest_book_the_contract_admits_clears_on_chain_as_the_reference_does()
    {
        // 640 units of four steps: 1 280 buys and 1 280 sells, registered in several transactions (one would need
        // about 75 M gas, far above the 2^24 cap), cleared in one.
        var csv = new System.Text.StringBuilder("id,side,price,quantity\n");
        for (var id = 1; id <= 640 * 4; id++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{id},{(id % 2 == 0 ? "buy" : "sell")},{100_000 + id * 7919 % 100_000},{100 + id * 104_729 % 4_900}\n");
        }
        var path = Write("largest.csv", csv.ToString());

        var reference = await CliProcess.RunAsync("clear", "--book", path);
        var onChain = await CliProcess.RunAsync("clear", "--book", path, "--on-chain");

        Assert.True(onChain.ExitCode == 0, onChain.Stderr);
        Assert.Equal(reference.Stdout, onChain.Stdout);
    }

    [Fact]
    public async Task On_chain_and_reference_print_the_same_for_random_books()
    {
        // Each run starts its own Anvil; a few books suffice here, the contract-level
        // differential test covers hundreds.
        var i = 0;
        await Books.SampleAsync(async book =>
        {
            using var text = new StringWriter();
            OrderBookCsv.Write(book, text);
            var path = Write($"random-{i++}.csv", text.ToString());
            var reference = await CliProcess.RunAsync("clear", "--book", path);
            var onChain = await CliProcess.RunAsync("clear", "--book", path, "--on-chain");
            Assert.Equal(0, onChain.ExitCode);
            Assert.Equal(reference.Stdout, onChain.Stdout);
            Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(onChain.Stdout).RootElement.ValueKind);
        }, iter: 4, threads: 1, print: Print);
    }

    [Theory]
    [InlineData("id,side,price,quantity\n1,buy,300000,800\n2,hold,1,1\n", "book.csv:3: field 'side'")]
    [InlineData("id,side,price,quantity\n1,buy,-5,800\n", "book.csv:2: field 'price'")]
    [InlineData("id,side,price\n1,buy,5\n", "book.csv:1")]
    public async Task A_malformed_book_names_line_and_field_and_exits_2(string content, string expected)
    {
        var run = await CliProcess.RunAsync("clear", "--book", Write("book.csv", content));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task A_missing_file_exits_2()
    {
        var run = await CliProcess.RunAsync("clear", "--book", Path.Combine(_dir.FullName, "nope.csv"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no such CSV order book", run.Stderr);
    }

    /// <summary>Small books with few distinct prices, so that ties and pro-rata splits are common.</summary>
    private static readonly Gen<OrderBook> Books =
        from rows in Gen.Select(Gen.Bool, Gen.UInt[100, 104], Gen.UInt[1, 50]).Array[1, 12]
        select new OrderBook(rows.Select((r, i) => new Order(i + 1, r.Item1 ? OrderSide.Buy : OrderSide.Sell, r.Item2, r.Item3)));

    private static string Print(OrderBook book)
    {
        using var text = new StringWriter();
        OrderBookCsv.Write(book, text);
        return Environment.NewLine + text;
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }
}
