using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace MicroMarket.Scenarios.Yaml;

/// <summary>What a YAML file is meant to be, for the messages about a file that is not one.</summary>
/// <param name="Name">e.g. "scenario", "node configuration".</param>
/// <param name="Keys">its main top-level keys, as a hint of what belongs in it.</param>
internal sealed record YamlFileKind(string Name, string Keys)
{
    public static readonly YamlFileKind Scenario = new("scenario", "name, time, mode, network, units, ...");

    public static readonly YamlFileKind Experiment = new("experiment", "scenario, grid, cases, baseline, seeds, kpis");

    public static readonly YamlFileKind NodeConfiguration = new("node configuration", "scenario, cluster, market, pi_units");
}

/// <summary>
/// Reads scenario and node files into YamlDotNet's representation model, whose nodes carry their start marks:
/// the one place such files are read from disk.
/// </summary>
internal static class YamlSource
{
    /// <summary>Decoding fails on the first byte that is not UTF-8, rather than reading it as U+FFFD into a name or an id.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The root mapping of the single document in the UTF-8 file <see cref="Diagnostics.File"/>, or null after reporting why not.</summary>
    public static YamlMappingNode? Read(YamlFileKind kind, Diagnostics diagnostics)
    {
        var bytes = File.ReadAllBytes(diagnostics.File);
        var start = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        try
        {
            return Parse(StrictUtf8.GetString(bytes, start, bytes.Length - start), kind, diagnostics);
        }
        catch (DecoderFallbackException e)
        {
            var at = start + Math.Max(e.Index, 0);
            var lineStart = Array.LastIndexOf(bytes, (byte)'\n', Math.Max(at - 1, 0)) + 1;
            var line = bytes.AsSpan(0, lineStart).Count((byte)'\n') + 1;
            // The bytes before the bad one on its line decoded cleanly, so they count as characters.
            var column = Encoding.UTF8.GetCharCount(bytes, lineStart, at - lineStart) + 1;
            var bad = string.Join(" ", (e.BytesUnknown ?? [bytes[at]]).Select(b => $"0x{b:X2}"));
            diagnostics.Add(new Mark(at, line, column), "",
                $"the file is not UTF-8 text (byte {bad} here; Latin-1 or Windows-1252?): save the {kind.Name} file as UTF-8");
            return null;
        }
    }

    /// <summary>The root mapping of the single document in <paramref name="text"/>, or null after reporting why not.</summary>
    private static YamlMappingNode? Parse(string text, YamlFileKind kind, Diagnostics diagnostics)
    {
        var parser = new TrackingParser(new Parser(new StringReader(text)));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            diagnostics.Add(e.Start, "", $"YAML syntax error: {e.Message}");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way, without a mark, on some unclosed flow collections ("[1, 2" then a new
            // line), and its message says nothing of the YAML ("Operation is not valid due to the current state of the object").
            diagnostics.Add(parser.LastGoodMark, "", "YAML syntax error after this point (an unclosed '[' or '{'?)");
            return null;
        }

        switch (stream.Documents.Count)
        {
            case 0:
                diagnostics.Add(Mark.Empty, "", $"empty {kind.Name} file: expected a mapping of {kind.Name} keys ({kind.Keys})");
                return null;
            case > 1:
                diagnostics.Add(stream.Documents[1].RootNode.Start, "", "expected one YAML document, found several ('---')");
                return null;
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            diagnostics.Add(stream.Documents[0].RootNode.Start, "", $"expected a mapping of {kind.Name} keys ({kind.Keys})");
            return null;
        }
        return root;
    }

    /// <summary>Remembers where the last event parsed cleanly, for failures that come without a position.</summary>
    private sealed class TrackingParser(IParser inner) : IParser
    {
        public Mark LastGoodMark { get; private set; } = Mark.Empty;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var moved = inner.MoveNext();
            if (moved && inner.Current is { } current)
            {
                LastGoodMark = current.Start;
            }
            return moved;
        }
    }
}
