namespace MicroMarket.Cli.Tests;

/// <summary>`micromarket scenarios DIR`: the shipped examples, with the files they name, copied out once and never over a folder in use.</summary>
public sealed class ScenariosCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("micromarket-scenarios-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task The_examples_are_copied_with_their_files_and_a_folder_in_use_is_left_alone()
    {
        var target = Path.Combine(_dir.FullName, "examples");

        var copy = await CliProcess.RunAsync("scenarios", target);

        Assert.True(copy.ExitCode == 0, copy.Stderr);
        var shipped = Path.Combine(Repository.Root, "scenarios");
        Assert.Equal(
            Directory.GetFiles(shipped, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(shipped, f)).Order(),
            Directory.GetFiles(target, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(target, f)).Order());
        Assert.Equal(File.ReadAllText(Path.Combine(shipped, "quickstart.yaml")), File.ReadAllText(Path.Combine(target, "quickstart.yaml")));

        File.WriteAllText(Path.Combine(target, "quickstart.yaml"), "# my edits");
        var again = await CliProcess.RunAsync("scenarios", target);

        Assert.Equal(2, again.ExitCode);
        Assert.Contains("is not empty; nothing copied", again.Stderr, StringComparison.Ordinal);
        Assert.Equal("# my edits", File.ReadAllText(Path.Combine(target, "quickstart.yaml")));
    }

    [Fact]
    public async Task A_file_given_as_the_folder_is_bad_input_and_left_alone()
    {
        var file = Path.Combine(_dir.FullName, "notes.txt");
        File.WriteAllText(file, "mine");

        var run = await CliProcess.RunAsync("scenarios", file);

        Assert.Equal((2, ""), (run.ExitCode, run.Stdout));
        Assert.Contains("is a file, not a folder; nothing copied", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(file));
    }
}
