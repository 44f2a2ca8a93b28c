using MicroMarket.Reporting.Figures;
using ScottPlot;
using Xunit;

namespace MicroMarket.Reporting.Tests;

/// <summary>Text is drawn with the DejaVu Sans embedded in the assembly, not with whatever the machine has installed.</summary>
public sealed class FontTests
{
    [Fact]
    public void The_embedded_font_is_the_default_and_wins_over_the_system_font()
    {
        ReportFont.EnsureRegistered();

        Assert.Equal(ReportFont.Family, Fonts.Default);
        // The same instance as the embedded typeface: ScottPlot resolved the name through our resolver first, even
        // on a machine that also has DejaVu Sans installed.
        Assert.Same(ReportFont.Typeface(bold: false), Fonts.GetTypeface(ReportFont.Family, bold: false, italic: false));
        Assert.Same(ReportFont.Typeface(bold: true), Fonts.GetTypeface(ReportFont.Family, bold: true, italic: false));
        Assert.Equal("DejaVu Sans", ReportFont.Typeface(bold: false).FamilyName);
        Assert.True(ReportFont.Typeface(bold: false).ContainsGlyphs("Clearing price (tokens/kWh) €–"));
    }

    [Fact]
    public void A_title_renders_glyphs()
    {
        var titled = FigureStyle.NewPlot("Clearing price: day-ahead vs intra-day", "x", "y");
        var untitled = FigureStyle.NewPlot("", "x", "y");
        var withText = titled.GetImageBytes(FigureStyle.WidthPx, FigureStyle.HeightPx, ImageFormat.Png);
        var without = untitled.GetImageBytes(FigureStyle.WidthPx, FigureStyle.HeightPx, ImageFormat.Png);

        // The glyphs are the difference between the two images. On a machine with no usable font Skia draws no text
        // at all, and the two images differ only by a moved frame (checked by hand with /usr/share/fonts hidden).
        var glyphPixels = Pixels.Inked(withText, 0, FigureStyle.HeightPx) - Pixels.Inked(without, 0, FigureStyle.HeightPx);
        Assert.True(glyphPixels > 1000, $"only {glyphPixels} more inked pixels with the title than without");
        Assert.True(Pixels.WidestInkedRow(withText, 0, 30) < FigureStyle.WidthPx / 2, "a line, not text, runs through the title band");
        Assert.Equal(ReportFont.Family, titled.Axes.Title.Label.FontName);
        Assert.Equal(ReportFont.Family, titled.Axes.Bottom.TickLabelStyle.FontName);
        Assert.Equal(ReportFont.Family, titled.Legend.FontName);
    }
}
