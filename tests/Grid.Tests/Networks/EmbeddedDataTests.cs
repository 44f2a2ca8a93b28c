using MicroMarket.Grid.Networks;
using Xunit;

namespace MicroMarket.Grid.Tests.Networks;

/// <summary>The data travels inside the assembly, with its READMEs and licence notices, so nothing depends on the working directory.</summary>
public sealed class EmbeddedDataTests
{
    [Fact]
    public void Networks_profiles_and_their_notices_are_embedded()
    {
        var names = EmbeddedData.Names;
        Assert.Equal(100, names.Count(n => n.StartsWith("ieee-eu-lv/network/load_profiles/Load_profile_", StringComparison.Ordinal)));
        Assert.Contains("ieee-eu-lv/README.md", names);
        Assert.Contains("cigre-lv/README.md", names);
        Assert.Contains("profiles/README.md", names);
        Assert.Contains("profiles/pv/LICENSE-pvanalytics-MIT.txt", names);
        Assert.Contains("profiles/wind/DataAgreement_USDOE_NREL.txt", names);
        Assert.Contains("README.md", names);
        Assert.StartsWith("# IEEE European Low Voltage Test Feeder", EmbeddedData.ReadText("ieee-eu-lv/README.md"));
        Assert.Throws<FileNotFoundException>(() => EmbeddedData.ReadText("nope.csv"));
    }
}
