namespace MicroMarket.Scenarios.Yaml;

/// <summary>"Did you mean ...?" for misspelt keys and names: the closest candidate by edit distance, if close enough.</summary>
internal static class Suggestion
{
    /// <summary>
    /// The candidate nearest to <paramref name="typed"/>, when at most a third of its letters (and at least one) differ;
    /// none for words under three letters, where any guess is as good as another ("D" for "A").
    /// </summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        if (typed.Length < 3)
        {
            return null;
        }
        var limit = Math.Max(1, typed.Length / 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(typed.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance <= limit && distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }
        return best;
    }

    /// <summary>"; did you mean 'x'?" or nothing.</summary>
    public static string DidYouMean(string typed, IEnumerable<string> candidates) =>
        Closest(typed, candidates) is { } near ? $"; did you mean '{near}'?" : "";

    // Optimal string alignment distance: Levenshtein plus adjacent transpositions ("capcaity"), the commonest typo.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
