namespace MicroMarket.Cli;

/// <summary>
/// The one wording for a path that is not the input file a command expects: missing, or a directory where a file
/// belongs (a run directory passed as a scenario, say), which "no such file" would misdescribe.
/// </summary>
public static class InputFiles
{
    /// <param name="kind">what the file is, e.g. "scenario file".</param>
    /// <param name="context">what the message starts with, e.g. "clear: ".</param>
    /// <exception cref="BadInputException">there is no file at <paramref name="path"/>.</exception>
    public static void Require(string path, string kind, string context = "")
    {
        if (Directory.Exists(path))
        {
            throw new BadInputException($"{context}{path} is a directory, not {(kind[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an" : "a")} {kind}");
        }
        if (!File.Exists(path))
        {
            throw new BadInputException($"{context}{path}: no such {kind}");
        }
    }
}
