using System.Diagnostics;

namespace MicroMarket.Cli.Tests;

/// <summary>Another program run to its end (dotnet, git, an installed `micromarket`): its exit code and output.</summary>
internal static class ExternalProcess
{
    /// <summary>
    /// Runs <paramref name="file"/> in <paramref name="workingDirectory"/>; <paramref name="environment"/> adds variables
    /// to this process's, or removes those it maps to null. Killed, and the test failed, after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<CliProcess.Result> RunAsync(string workingDirectory, string file, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not end within {timeout.TotalMinutes:0.#} min:{Environment.NewLine}{await stdout}{await stderr}");
        }
        return new CliProcess.Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs the dotnet that runs these tests (set by `dotnet test`), else the one on the PATH.</summary>
    public static Task<CliProcess.Result> DotnetAsync(string workingDirectory, IEnumerable<string> args, TimeSpan timeout) =>
        RunAsync(workingDirectory, Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", args, timeout);

    /// <summary>The commit the repository is at, as `git rev-parse --short HEAD` gives it and the build records it.</summary>
    public static async Task<string> CommitAsync()
    {
        var git = await RunAsync(Repository.Root, "git", ["rev-parse", "--short", "HEAD"], TimeSpan.FromSeconds(30));
        Assert.True(git.ExitCode == 0, git.Stderr);
        return git.Stdout.Trim();
    }
}
