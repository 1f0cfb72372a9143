using System.Globalization;

namespace Hitl.Policy.LoadHarness;

/// <summary>A bad command line; the message says which option and why (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary><c>--name value</c> and <c>--flag</c> options, each given at most once.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3)
            {
                throw new UsageException($"Unexpected argument '{name}': options are --name value.");
            }

            name = name[2..];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (!flags.Contains(name))
            {
                value = e.MoveNext() ? e.Current : throw new UsageException($"--{name} needs a value.");
            }

            if (!_values.TryAdd(name, value))
            {
                throw new UsageException($"--{name} is given twice.");
            }
        }
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _values.ContainsKey(name);
    }

    public string? Text(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var value) ? value : null;
    }

    public int Integer(string name, int fallback, int min, int max)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"--{name} must be a whole number from {min} to {max}, found '{text}'.");
    }

    public double Number(string name, double fallback, double min, double max)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"--{name} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, found '{text}'.");
    }

    public int[] IntegerList(string name, int[] fallback, int min, int max)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]) || values[i] < min || values[i] > max)
            {
                throw new UsageException($"--{name} must be a comma-separated list of whole numbers from {min} to {max} (for example 1,2,4), found '{text}'.");
            }
        }

        return values.Length > 0 ? values : throw new UsageException($"--{name} is empty.");
    }

    /// <summary>Throws for an option nothing asked for (a typo must not silently run the defaults).</summary>
    public void RejectUnknown()
    {
        foreach (var name in _values.Keys)
        {
            if (!_used.Contains(name))
            {
                throw new UsageException($"Unknown option --{name}.");
            }
        }
    }
}
