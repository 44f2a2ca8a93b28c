using System.ComponentModel;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>
/// `micromarket scenarios [DIR]`: copies the example scenarios shipped beside the program (the repository's scenarios/
/// folder, with the feeder and book files they name) into DIR, default ./scenarios, so an installed tool, which has
/// no source tree, can run the quickstart: `micromarket scenarios && micromarket run scenarios/quickstart.yaml`.
/// A folder that already holds something is refused rather than overwritten: it may hold the user's edits.
/// </summary>
public sealed class ScenariosCommand : Command<ScenariosCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[DIR]")]
        [Description("where to copy them (default ./scenarios); must be empty or not exist")]
        public string Directory { get; init; } = "scenarios";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var shipped = new DirectoryInfo(Path.Combine(AppContext.BaseDirectory, "scenarios"));
        if (!shipped.Exists)
        {
            throw new InvalidOperationException($"scenarios: this build has no example scenarios in {shipped.FullName}");
        }
        var target = new DirectoryInfo(settings.Directory);
        if (File.Exists(target.FullName))
        {
            throw new BadInputException($"scenarios: {target.FullName} is a file, not a folder; nothing copied (give a folder)");
        }
        if (target.Exists && target.EnumerateFileSystemInfos().Any())
        {
            throw new BadInputException($"scenarios: {target.FullName} is not empty; nothing copied (give another folder)");
        }
        foreach (var file in shipped.EnumerateFiles("*", SearchOption.AllDirectories))
        {
            var copy = new FileInfo(Path.Combine(target.FullName, Path.GetRelativePath(shipped.FullName, file.FullName)));
            copy.Directory!.Create();
            file.CopyTo(copy.FullName);
        }
        var names = shipped.EnumerateFiles("*.yaml").Select(f => f.Name).Order(StringComparer.Ordinal);
        Console.Out.WriteLine($"scenarios: {target.FullName}: {string.Join(", ", names)}");
        return MicroMarketApp.ExitOk;
    }
}
