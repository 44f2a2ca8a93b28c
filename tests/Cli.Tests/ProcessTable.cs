using System.Globalization;

namespace MicroMarket.Cli.Tests;

/// <summary>Linux's process table (/proc), to check that a program left no process of its own behind.</summary>
internal static class ProcessTable
{
    /// <summary>The live processes whose parent is <paramref name="parent"/> (a zombie has ended and is not counted).</summary>
    public static IReadOnlyList<(int Pid, string Name)> ChildrenOf(int parent) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var pid) ? Stat(pid) : null)
            .OfType<(int Pid, string Name, char State, int Parent)>()
            .Where(p => p.Parent == parent && p.State != 'Z')
            .Select(p => (p.Pid, p.Name))
            .ToList();

    /// <summary>Whether <paramref name="pid"/> is still a running process (not gone, not a zombie).</summary>
    public static bool IsRunning(int pid) => Stat(pid) is { State: not 'Z' };

    /// <summary>Waits up to <paramref name="timeout"/> for every one of <paramref name="pids"/> to end; the ones still running.</summary>
    public static async Task<IReadOnlyList<int>> StillRunningAfterAsync(IEnumerable<int> pids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        List<int> running;
        while ((running = pids.Where(IsRunning).ToList()).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        return running;
    }

    private static (int Pid, string Name, char State, int Parent)? Stat(int pid)
    {
        try
        {
            // "pid (comm) state ppid ...": the name may hold spaces and parentheses, so split at the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            var rest = stat[(close + 2)..].Split(' ');
            return (pid, stat[(stat.IndexOf('(') + 1)..close], rest[0][0], int.Parse(rest[1], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
