using System.Text.RegularExpressions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MicroMarket.Cli;

/// <summary>
/// `micromarket foo`: one line that names the command, keeps Spectre's guess at a close one, and points at the help,
/// instead of Spectre's bare "Unknown command 'foo'.".
/// </summary>
internal static partial class UnknownCommand
{
    /// <summary>Reports an unknown command and gives the exit code (bad input); null for any other failure.</summary>
    public static int? Report(Exception ex)
    {
        // Spectre tells its parse errors apart only by their text (English: the program runs with the invariant culture).
        if (ex is not CommandParseException parse || UnknownMessage().Match(parse.Message) is not { Success: true } unknown)
        {
            return null;
        }
        var guess = parse.Pretty is { } pretty ? Guess().Match(Plain(pretty)) : Match.Empty;
        var hint = guess.Success ? $" (did you mean '{guess.Groups[1].Value}'?)" : "";
        Console.Error.WriteLine($"micromarket: unknown command '{unknown.Groups[1].Value}'{hint}; see micromarket --help");
        return MicroMarketApp.ExitBadInput;
    }

    /// <summary>Spectre's own rendering of the error, where its suggestion is, as plain text.</summary>
    private static string Plain(Spectre.Console.Rendering.IRenderable pretty)
    {
        using var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Write(pretty);
        return text.ToString();
    }

    [GeneratedRegex("^Unknown command '(.*)'\\.$")]
    private static partial Regex UnknownMessage();

    [GeneratedRegex("Did you mean '([^']+)'\\?")]
    private static partial Regex Guess();
}
