using System.Net;
using System.Text;
using MicroMarket.Reporting.Figures;
using MicroMarket.RunFormat;

namespace MicroMarket.Reporting.Html;

/// <summary>
/// The pieces both HTML pages share: one inline style sheet (no fonts, scripts or styles from the network, so a page
/// opens from disk anywhere), escaping, and figures embedded as PNG data URIs so the page is a single file.
/// </summary>
internal static class HtmlPage
{
    private const string Style = """
        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #222; margin: 2rem auto; max-width: 1180px; padding: 0 1rem; line-height: 1.4; }
        h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
        h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; }
        .subtitle { color: #555; margin-top: 0; }
        table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.95rem; }
        th, td { border-bottom: 1px solid #e2e2e2; padding: 0.3rem 0.7rem; text-align: left; vertical-align: top; }
        td.value { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr.group th { background: #f2f4f8; font-size: 1rem; }
        td.definition { color: #555; font-size: 0.88rem; }
        .ok { color: #1e7b34; font-weight: bold; }
        .bad { color: #b02a2a; font-weight: bold; }
        figure { margin: 1.6rem 0; }
        figure img { max-width: 100%; height: auto; border: 1px solid #e2e2e2; }
        figcaption { color: #444; font-size: 0.92rem; margin-top: 0.3rem; }
        footer { margin-top: 3rem; color: #777; font-size: 0.85rem; }
        """;

    public static StringBuilder Begin(string title)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append($"<title>{E(title)}</title>\n<style>\n{Style}\n</style>\n</head>\n<body>\n");
        return html;
    }

    public static string End(StringBuilder html, string footer)
    {
        html.Append($"<footer>{footer}</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>HTML-escapes text for an element or an attribute.</summary>
    public static string E(string text) => WebUtility.HtmlEncode(text);

    public static void AppendFigure(StringBuilder html, Figure figure, int widthPx)
    {
        var id = $"fig-{Path.GetFileNameWithoutExtension(figure.FileName)}";
        html.Append($"<figure id=\"{id}\">\n<img src=\"data:image/png;base64,{Convert.ToBase64String(figure.Png)}\" alt=\"{E(figure.Title)}\" width=\"{widthPx}\" data-file=\"{E(figure.FileName)}\">\n");
        html.Append($"<figcaption><strong>{E(figure.Title)}.</strong> {E(figure.Caption)} <span class=\"file\">({E(RunDirectory.Figures)}/{E(figure.FileName)})</span></figcaption>\n</figure>\n");
    }
}
