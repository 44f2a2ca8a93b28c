using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace MicroMarket.Cli;

/// <summary>
/// Spectre's help, with the global options below each command's own, told apart by why it is shown. Asked for
/// (`--help`, `-h`, `micromarket help ...`) it goes to stdout and the program exits 0. Shown because a command is
/// missing (`micromarket` alone, `micromarket bench`) it is a usage error: the help goes to stderr, followed by
/// the error, and the program exits 2, as for any other bad input (Spectre itself exits 0 for the first and 1
/// for the second).
/// </summary>
internal sealed class UsageHelp(ICommandAppSettings settings, bool requested) : HelpProvider(settings)
{
    /// <summary>The help was shown for a missing command: the run is a usage error whatever Spectre returns.</summary>
    public bool CommandMissing { get; private set; }

    public override IEnumerable<IRenderable> Write(ICommandModel model, ICommandInfo? command)
    {
        var help = base.Write(model, command);
        if (requested)
        {
            return help;
        }
        CommandMissing = true;
        var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        foreach (var part in help)
        {
            stderr.Write(part);
        }
        var branch = string.Join(' ', Ancestry(command));
        var where = branch.Length == 0 ? "" : $"{branch}: ";
        Console.Error.WriteLine($"{model.ApplicationName}: {where}no command given; see {string.Join(' ', model.ApplicationName, branch).TrimEnd()} --help");
        return [];
    }

    public override IEnumerable<IRenderable> GetFooter(ICommandModel model, ICommandInfo? command)
    {
        var options = new Spectre.Console.Grid()
            .AddColumn(new GridColumn { Padding = new Padding(4, 0, 4, 0), NoWrap = true })
            .AddColumn(new GridColumn { Padding = new Padding(0) });
        foreach (var (names, description) in GlobalOptions.Help)
        {
            options.AddRow(new Text(names), new Text(description));
        }
        return [.. base.GetFooter(model, command), new Markup($"{Environment.NewLine}[yellow]GLOBAL OPTIONS:[/]{Environment.NewLine}"), options, Text.NewLine];
    }

    /// <summary>Whether the arguments ask for help (an argument after `--` is the command's).</summary>
    public static bool Requested(IEnumerable<string> args) => args.TakeWhile(a => a != "--").Any(a => a is "-h" or "--help");

    private static IEnumerable<string> Ancestry(ICommandInfo? command) =>
        command is null ? [] : Ancestry(command.Parent).Append(command.Name);
}
