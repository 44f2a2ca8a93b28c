namespace MicroMarket.Cli.Tests;

/// <summary>Runs the real `micromarket` program (built next to the tests) to its end.</summary>
public static class CliProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Task<Result> RunAsync(params string[] args) => RunAsync(args, interruptWhen: null);

    /// <summary>Runs the program; sends it SIGINT (as Ctrl+C does) once a line of its output matches <paramref name="interruptWhen"/>.</summary>
    public static async Task<Result> RunAsync(string[] args, Func<string, bool>? interruptWhen)
    {
        using var process = MicromarketProcess.Start("micromarket", args);
        if (interruptWhen is not null)
        {
            await process.WaitForLineAsync(interruptWhen, Timeout);
            process.Interrupt();
        }
        var exitCode = await process.WaitForExitAsync(Timeout);
        return new Result(exitCode, process.Stdout, process.Stderr);
    }
}
