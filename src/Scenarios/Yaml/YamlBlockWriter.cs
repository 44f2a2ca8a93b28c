namespace MicroMarket.Scenarios.Yaml;

/// <summary>
/// Writes block-style YAML line by line with '\n' endings: nested mappings and list items as scopes, small leaf
/// mappings in flow style on one line. Values must come formatted by <see cref="YamlText"/>.
/// </summary>
internal sealed class YamlBlockWriter(TextWriter writer)
{
    private int _indent;
    private bool _itemStarts;

    public void Comment(string text) => Line($"# {text}");

    public void Scalar(string key, string value) => Line($"{key}: {value}");

    /// <summary><c>key: { a: 1, b: 2 }</c>.</summary>
    public void Flow(string key, params IEnumerable<(string Key, string Value)> pairs) =>
        Line($"{key}: {{ {string.Join(", ", pairs.Select(p => $"{p.Key}: {p.Value}"))} }}");

    /// <summary><c>key:</c>, then the scope's lines indented beneath it.</summary>
    public Scope Map(string key)
    {
        Line($"{key}:");
        return Indented(2);
    }

    /// <summary>A list item: its first line starts with "- ", the rest align with that first key.</summary>
    public Scope Item()
    {
        _itemStarts = true;
        return Indented(2);
    }

    public readonly struct Scope(YamlBlockWriter owner, int by) : IDisposable
    {
        public void Dispose() => owner._indent -= by;
    }

    private Scope Indented(int by)
    {
        _indent += by;
        return new Scope(this, by);
    }

    private void Line(string text)
    {
        if (_itemStarts)
        {
            writer.Write(new string(' ', _indent - 2));
            writer.Write("- ");
            _itemStarts = false;
        }
        else
        {
            writer.Write(new string(' ', _indent));
        }
        writer.Write(text);
        writer.Write('\n');
    }
}
