namespace MicroMarket.RunFormat;

/// <summary>
/// A file written under its <see cref="RunDirectory.Partial"/> name and given its own name only once whole, so that a
/// reader finding the name finds all of it. Either <see cref="Commit"/> or <see cref="Abandon"/> settles it, once.
/// </summary>
internal sealed class PartialFile(string path)
{
    /// <summary>Where the bytes go while the file is being written.</summary>
    public string WritingPath { get; } = RunDirectory.Partial(path);

    public bool Settled { get; private set; }

    /// <summary>The file is whole: it takes its name.</summary>
    public void Commit()
    {
        File.Move(WritingPath, path, overwrite: true);
        Settled = true;
    }

    /// <summary>The file will never be whole (a run that failed while writing it): nothing of it stays.</summary>
    public void Abandon()
    {
        Settled = true;
        File.Delete(WritingPath);
    }
}
