using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace MicroMarket.Scenarios.Yaml;

/// <summary>Parses scenario text into YamlDotNet's representation model, whose nodes carry their start marks.</summary>
internal static class YamlSource
{
    /// <summary>The root mapping of the single document in <paramref name="text"/>, or null after reporting why not.</summary>
    public static YamlMappingNode? Parse(string text, Diagnostics diagnostics)
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
            // YamlDotNet's scanner fails this way, without a mark, on some unclosed flow collections ("[1, 2" then a new line).
            diagnostics.Add(parser.LastGoodMark, "", "YAML syntax error after this point (an unclosed '[' or '{'?)");
            return null;
        }

        switch (stream.Documents.Count)
        {
            case 0:
                diagnostics.Add(Mark.Empty, "", "the file is empty: expected a scenario mapping (name, time, mode, network, units, ...)");
                return null;
            case > 1:
                diagnostics.Add(stream.Documents[1].RootNode.Start, "", "expected one YAML document, found several ('---')");
                return null;
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            diagnostics.Add(stream.Documents[0].RootNode.Start, "", "expected a mapping of scenario keys (name, time, mode, network, units, ...)");
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
