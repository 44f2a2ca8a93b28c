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

    /// <summary>Pixels in rows [top, bottom) that are clearly darker than white.</summary>
    public static int Inked(byte[] png, int top, int bottom)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidDataException("not a PNG Skia can decode");
        var pixels = bitmap.Pixels;
        var count = 0;
        for (var i = top * bitmap.Width; i < Math.Min(bottom, bitmap.Height) * bitmap.Width; i++)
        {
            var c = pixels[i];
            count += c.Red + c.Green + c.Blue < 600 ? 1 : 0;
        }
        return count;
    }
}
