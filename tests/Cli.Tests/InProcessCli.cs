namespace MicroMarket.Cli.Tests;

/// <summary>
/// Runs `micromarket` in this process with the console redirected, for the commands that need no chain: the exit
/// code and what it wrote to standard output and error. Tests using it belong to <see cref="ConsoleCollection"/>.
/// </summary>
internal static class InProcessCli
{
    public static async Task<(int Exit, string Out, string Error)> Run(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exit = await MicroMarketApp.RunAsync(args);
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}

/// <summary>Tests that swap the process-wide console run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}
