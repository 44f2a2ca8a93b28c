using System.Diagnostics;
using System.Text;

namespace MicroMarket.Cli.Tests;

/// <summary>Runs the real `micromarket` program (built next to the tests) as a child process.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Task<Result> RunAsync(params string[] args) => RunAsync(args, interruptWhen: null);

    /// <summary>Runs the program; sends it SIGINT (as Ctrl+C does) once a line of its output matches <paramref name="interruptWhen"/>.</summary>
    public static async Task<Result> RunAsync(string[] args, Func<string, bool>? interruptWhen)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "micromarket.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(program);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = new Process { StartInfo = info };
        var (stdout, stderr) = (new StringBuilder(), new StringBuilder());
        var interrupted = false;
        void OnLine(StringBuilder into, string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (into)
            {
                into.AppendLine(line);
            }
            if (interruptWhen is not null && !interrupted && interruptWhen(line))
            {
                interrupted = true;
                using var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        process.WaitForExit(); // drains the output
        return new Result(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
