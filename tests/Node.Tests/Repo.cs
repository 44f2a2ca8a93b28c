namespace MicroMarket.Node.Tests;

/// <summary>Paths in the repository (the shipped scenarios).</summary>
public static class Repo
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "MicroMarket.sln")))
            {
                return System.IO.Path.Combine(dir.FullName, relative);
            }
        }
        throw new DirectoryNotFoundException("MicroMarket.sln not found above " + AppContext.BaseDirectory);
    }
}
