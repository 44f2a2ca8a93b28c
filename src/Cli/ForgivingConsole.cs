using Spectre.Console;

namespace MicroMarket.Cli;

/// <summary>
/// Standard error for progress, which must never end the program: once the terminal has hung up (SIGHUP: an SSH
/// session closed) a write fails with EIO, and Spectre redraws its live status on a thread of its own, where that
/// exception aborts the process. Writes that fail are dropped: nobody is there to read them.
/// </summary>
public static class ForgivingConsole
{
    /// <summary>A Spectre console on standard error that sees the terminal as Spectre would, and whose failed writes are dropped.</summary>
    public static IAnsiConsole ForProgress() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new Output(new AnsiConsoleOutput(Console.Error)) });

    /// <summary>Makes the console's own streams drop failed writes (after SIGHUP).</summary>
    public static void SurviveHangUp()
    {
        Console.SetOut(new Writer(Console.Out));
        Console.SetError(new Writer(Console.Error));
    }

    private sealed class Output(AnsiConsoleOutput terminal) : IAnsiConsoleOutput
    {
        public TextWriter Writer { get; } = new Writer(terminal.Writer);

        public bool IsTerminal => terminal.IsTerminal;

        public int Width => terminal.Width;

        public int Height => terminal.Height;

        public void SetEncoding(System.Text.Encoding encoding) => terminal.SetEncoding(encoding);
    }

    private sealed class Writer(TextWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value) => Try(() => inner.Write(value));

        public override void Write(string? value) => Try(() => inner.Write(value));

        public override void WriteLine(string? value) => Try(() => inner.WriteLine(value));

        public override void Flush() => Try(inner.Flush);

        private static void Try(Action write)
        {
            try
            {
                write();
            }
            catch (IOException)
            {
                // Nobody is there to read it.
            }
        }
    }
}
