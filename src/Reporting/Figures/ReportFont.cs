using ScottPlot;
using SkiaSharp;

namespace MicroMarket.Reporting.Figures;

/// <summary>
/// The one font every figure uses: DejaVu Sans, embedded in this assembly. ScottPlot resolves font names through
/// a list of resolvers that starts with the system's fonts; a fresh machine may have none (Skia then draws no
/// glyphs at all), so ours goes first and becomes the default before any plot is created.
/// </summary>
public static class ReportFont
{
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<EmbeddedFontResolver> Resolver = new(Register);

    /// <summary>Registers the embedded font with ScottPlot (once, thread-safe) and makes it the default.</summary>
    public static void EnsureRegistered() => _ = Resolver.Value;

    /// <summary>The embedded regular or bold typeface, as ScottPlot will resolve <see cref="Family"/>.</summary>
    public static SKTypeface Typeface(bool bold) => bold ? Resolver.Value.Bold : Resolver.Value.Regular;

    private static EmbeddedFontResolver Register()
    {
        var resolver = new EmbeddedFontResolver(Load("DejaVuSans.ttf"), Load("DejaVuSans-Bold.ttf"));
        Fonts.FontResolvers.Insert(0, resolver);
        Fonts.Default = Family;
        Fonts.Sans = Family;
        return resolver;
    }

    private static SKTypeface Load(string file)
    {
        var name = $"Fonts/{file}";
        using var stream = typeof(ReportFont).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the embedded font {name} is missing from {typeof(ReportFont).Assembly.GetName().Name}");
        return SKTypeface.FromData(SKData.Create(stream))
            ?? throw new InvalidOperationException($"the embedded font {name} is not a font Skia can read");
    }

    /// <summary>Answers only for <see cref="Family"/>; other names fall through to the next resolver.</summary>
    private sealed class EmbeddedFontResolver(SKTypeface regular, SKTypeface bold) : IFontResolver
    {
        public SKTypeface Regular => regular;

        public SKTypeface Bold => bold;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            fontName == Family ? (weight >= FontWeight.SemiBold ? bold : regular) : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            CreateTypeface(fontName, bold ? FontWeight.Bold : FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);
    }
}
