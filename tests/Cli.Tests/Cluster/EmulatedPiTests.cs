using System.Diagnostics;

namespace MicroMarket.Cli.Tests.Cluster;

/// <summary>
/// The Pi's own binary in the cluster: the linux-arm64 Pi build, run under qemu-user beside an x64 market node and sim
/// node on loopback, through the live lab day the x64 Pi node runs (<see cref="LiveLabTests"/>), checked the same way.
/// Its own category: it needs qemu-user-static and Debian's arm64 C and C++ libraries, which `.ci/run` installs and the
/// README's test command leaves out (`dotnet test tests/Cli.Tests --filter Category=EmulatedPi` runs it).
/// </summary>
[Collection("cluster")]
[Trait("Category", "EmulatedPi")]
public sealed class EmulatedPiTests(EmulatedPiBuild build) : IClassFixture<EmulatedPiBuild>
{
    /// <summary>
    /// The x64 Pi's day at its pace, an hour in 3 s: under emulation the relay switched 10 to 65 ms after the boundary
    /// and each slot measured its schedule within 0.6 %, inside the check's 2 %. The market's clock starts 45 s after the market node rather than 15:
    /// the emulated node takes 10 to 20 s to join (twice that without ReadyToRun) and must register and bid before the
    /// day-ahead gate, and with 30 s its start-up, competing for the two cores, made the market skip its first intraday round.
    /// </summary>
    [Fact]
    public Task The_linux_arm64_Pi_build_under_emulation_switches_its_relay_on_the_slot_boundaries_and_the_chain_settles_what_its_meter_measured() =>
        LiveLabDay.RunAsync(build.Program, new LivePacing(SlotSeconds: 3, StartDelaySeconds: 45));
}

/// <summary>
/// The Pi build as docs/cluster.md makes it (linux-arm64, self-contained, without reporting; ReadyToRun, which halves
/// its start-up under emulation), published once per test run under the test project's obj/ (so that a second run only
/// brings it up to date) apart from the repository's own build outputs, and how this x64 machine runs it: under
/// qemu-user, with the arm64 libraries a 64-bit Raspberry Pi OS has (Debian's, multiarch: the C library and its loader,
/// libstdc++, OpenSSL) where that OS has them. A missing emulator or library fails the tests and names the package.
/// </summary>
public sealed class EmulatedPiBuild : IAsyncLifetime
{
    private const string Emulator = "/usr/bin/qemu-aarch64-static";
    private const string Libraries = "/usr/lib/aarch64-linux-gnu";

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(15);

    /// <summary>
    /// `qemu-aarch64-static PUBLISH/micromarket`. Without W^X: qemu-user does not keep the runtime's two mappings of a
    /// code page (one writable, one executable) coherent, and the program fails at once in a reflection stub (a
    /// NullReferenceException reading the key file); .NET does not support qemu-user, and this is its known workaround.
    /// </summary>
    public ProcessStartInfo Program { get; } = new(Emulator) { Environment = { ["DOTNET_EnableWriteXorExecute"] = "0" } };

    public async Task InitializeAsync()
    {
        Require(Emulator, "qemu-user-static");
        Require("/lib/ld-linux-aarch64.so.1", "libc6:arm64");
        Require(Path.Combine(Libraries, "libstdc++.so.6"), "libstdc++6:arm64");
        Require(Path.Combine(Libraries, "libssl.so.3"), "libssl3:arm64");
        var folder = Path.Combine(Repository.Root, "tests", "Cli.Tests", "obj", "emulated-pi");
        var output = Path.Combine(folder, "publish");
        var publish = await ExternalProcess.DotnetAsync(Repository.Root,
            ["publish", Path.Combine("src", "Cli"), "-c", "Release", "-r", "linux-arm64", "--self-contained", "-p:Reporting=false",
             "-p:PublishReadyToRun=true", "--artifacts-path", folder, "-o", output, "--disable-build-servers"], PublishTimeout);
        Assert.True(publish.ExitCode == 0, $"the linux-arm64 publish failed: exit {publish.ExitCode}{Environment.NewLine}{publish.Stdout}{publish.Stderr}");
        Program.ArgumentList.Add(Path.Combine(output, "micromarket"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static void Require(string file, string package) =>
        Assert.True(File.Exists(file), $"{file} is missing: the emulated Pi needs Debian's {package} " +
            $"(dpkg --add-architecture arm64; apt-get update; apt-get install {package}; .ci/run does so)");
}
