using SkiaSharp;

namespace MicroMarket.Reporting.Tests;

/// <summary>Reads rendered PNGs back: size, and how many pixels in a region differ from the white background.</summary>
internal static class Pixels
{
    public static (int Width, int Height) Size(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidDataException("not a PNG Skia can decode");
        return (bitmap.Width, bitmap.Height);
    }

    /// <summary>
    /// The most inked pixels in any one row of [top, bottom). Text has short runs per row; a frame or axis line is
    /// inked across the plot, so this tells glyphs from the line that moves into the title band when no text is drawn.
    /// </summary>
    public static int WidestInkedRow(byte[] png, int top, int bottom)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidDataException("not a PNG Skia can decode");
        var pixels = bitmap.Pixels;
        var widest = 0;
        for (var y = top; y < Math.Min(bottom, bitmap.Height); y++)
        {
            var row = 0;
            for (var x = 0; x < bitmap.Width; x++)
            {
                row += IsInk(pixels[y * bitmap.Width + x]) ? 1 : 0;
            }
            widest = Math.Max(widest, row);
        }
        return widest;
    }

    /// <summary>Pixels in rows [top, bottom) that are clearly darker than white.</summary>
    public static int Inked(byte[] png, int top, int bottom)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidDataException("not a PNG Skia can decode");
        var pixels = bitmap.Pixels;
        var count = 0;
        for (var i = top * bitmap.Width; i < Math.Min(bottom, bitmap.Height) * bitmap.Width; i++)
        {
            count += IsInk(pixels[i]) ? 1 : 0;
        }
        return count;
    }

    private static bool IsInk(SKColor c) => c.Red + c.Green + c.Blue < 600;
}
