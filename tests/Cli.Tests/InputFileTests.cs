using System.Text;
using static MicroMarket.Cli.Tests.InProcessCli;

namespace MicroMarket.Cli.Tests;

/// <summary>
/// A path that is not the input a command expects (a directory for a file, a file for a run directory, a file that
/// is not UTF-8) is bad input: exit 2, one line naming the path and what is wrong with it, nothing started.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class InputFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("micromarket-input-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData("is a directory, not a scenario file", "run", "{dir}")]
    [InlineData("is a directory, not a scenario file", "optimal", "{dir}")]
    [InlineData("clear: {dir} is a directory, not a CSV order book", "clear", "--book", "{dir}")]
    [InlineData("node: --config {dir} is a directory, not a node configuration file", "node", "--role", "market", "--config", "{dir}")]
    [InlineData("report: {file} is a file, not a run directory", "report", "{file}")]
    [InlineData("compare: {file} is a file, not a run directory", "compare", "{file}", "{file}", "--out", "{dir}")]
    public async Task The_wrong_kind_of_path_is_named_in_one_line(string message, params string[] args)
    {
        var file = Path.Combine(_dir.FullName, "a.txt");
        File.WriteAllText(file, "text\n");
        string Fill(string text) => text.Replace("{dir}", _dir.FullName, StringComparison.Ordinal).Replace("{file}", file, StringComparison.Ordinal);

        var (exit, output, error) = await Run([.. args.Select(Fill)]);

        Assert.Equal(MicroMarketApp.ExitBadInput, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains(Fill(message), error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task A_latin1_scenario_is_not_utf8_at_its_line()
    {
        var scenario = Path.Combine(_dir.FullName, "latin1.yaml");
        File.WriteAllBytes(scenario, Encoding.Latin1.GetBytes("name: pened\u00e8s\n"));

        var (exit, _, error) = await Run("run", scenario, "--out", Path.Combine(_dir.FullName, "out"));

        Assert.Equal(MicroMarketApp.ExitBadInput, exit);
        Assert.Contains($"{scenario}:1:12: the file is not UTF-8 text (byte 0xE8 here", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\uFFFD", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_latin1_order_book_is_not_utf8()
    {
        var book = Path.Combine(_dir.FullName, "book.csv");
        File.WriteAllBytes(book, Encoding.Latin1.GetBytes("id,side,price,quantity\n1,buy,300000,800\n2,sell\u00e9,1,1\n"));

        var (exit, output, error) = await Run("clear", "--book", book);

        Assert.Equal(MicroMarketApp.ExitBadInput, exit);
        Assert.Equal($"micromarket: clear: {book}: the order book is not UTF-8 text (Latin-1 or Windows-1252?): save it as UTF-8", error.Trim());
        Assert.Equal("", output);
    }
}
