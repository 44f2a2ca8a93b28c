namespace MicroMarket.Cli.Tests;

/// <summary>
/// 32-bit ARM (32-bit Raspberry Pi OS) is refused, not built: libsecp256k1, which signs, is bundled for arm64 only, so
/// such a program would fail at its first key (docs/cluster.md, "Installing on a Pi"). The build says so at once, before
/// restoring anything; a node started on such a runtime anyway says so too (EthKey.CannotSignOn, Market.Tests).
/// </summary>
public sealed class Arm32BuildTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("micromarket-arm32-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_linux_arm_publish_is_refused_with_the_way_to_a_64_bit_build()
    {
        // Into a folder of its own: were the refusal gone, the publish would not write over the repository's outputs.
        var publish = await ExternalProcess.DotnetAsync(Repository.Root,
            ["publish", Path.Combine("src", "Cli"), "-r", "linux-arm", "--self-contained", "-p:Reporting=false",
             "--artifacts-path", _dir.FullName, "--disable-build-servers"], TimeSpan.FromMinutes(5));

        Assert.NotEqual(0, publish.ExitCode);
        Assert.Contains("linux-arm (32-bit ARM) is not supported", publish.Stdout, StringComparison.Ordinal);
        Assert.Contains("install 64-bit Raspberry Pi OS and publish with -r linux-arm64", publish.Stdout, StringComparison.Ordinal);
        Assert.Empty(_dir.GetFileSystemInfos());
    }
}
