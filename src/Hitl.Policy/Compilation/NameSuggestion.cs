namespace Hitl.Policy;

/// <summary>
/// "Did you mean": the known names closest to a misspelt one, when close enough to be a typo, for the policy
/// validator's unknown properties and the CLI's case and test files alike: at most one edit (a letter added, left out, changed, or two neighbours swapped) per three
/// letters, up to three, ignoring case; several names only when equally close.
/// </summary>
internal static class NameSuggestion
{
    /// <summary>Names longer than this are not compared (a name is short; the input may not be).</summary>
    private const int MaxCompared = 64;

    /// <summary><c> (did you mean 'confidence'?)</c>, or empty when no known name is close.</summary>
    public static string Hint(string name, IEnumerable<string> known)
    {
        var close = Closest(name, known);
        return close.Count == 0 ? "" : $" (did you mean {string.Join(" or ", close.Select(c => "'" + c + "'"))}?)";
    }

    public static List<string> Closest(string name, IEnumerable<string> known)
    {
        var best = new List<string>();
        if (name.Length > MaxCompared)
        {
            return best;
        }

        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var longer = Math.Max(name.Length, candidate.Length);
            var distance = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance > Math.Clamp(longer / 3, 1, 3) || distance >= longer || distance > bestDistance)
            {
                continue;
            }

            if (distance < bestDistance)
            {
                best.Clear();
                bestDistance = distance;
            }

            best.Add(candidate);
        }

        return best;
    }

    /// <summary>Optimal string alignment distance, two rows at a time.</summary>
    private static int Distance(string a, string b)
    {
        var before = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    current[j] = Math.Min(current[j], before[j - 2] + 1);
                }
            }

            (before, previous, current) = (previous, current, before);
        }

        return previous[b.Length];
    }
}
