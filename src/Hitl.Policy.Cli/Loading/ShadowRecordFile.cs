using System.Globalization;
using System.Text;
using System.Text.Json;
using Hitl.Policy.Cli.Cases;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Cli.Loading;

/// <summary>One record of a live shadow's file, with the line it was read from.</summary>
/// <param name="Line">The line number, from 1.</param>
/// <param name="Record">The record.</param>
internal sealed record ShadowRecordLine(int Line, LiveShadowRecord Record);

/// <summary>
/// Reads the JSON Lines file a live shadow writes (<c>ShadowPolicyOptions.RecordPath</c>) as hostile input: a line is
/// at most <see cref="MaxLineLength"/> characters (a longer one is skipped without being kept in memory), and every
/// record is checked field by field, its kind against its routes and tiers. A line that fails is named with the file
/// and line on standard error and left out; the rest is read on.
/// </summary>
internal static class ShadowRecordFile
{
    /// <summary>The longest record line read, in characters: 64 KiB.</summary>
    public const int MaxLineLength = 64 * 1024;

    private static readonly Dictionary<string, RouteLevel> Routes =
        Enum.GetValues<RouteLevel>().ToDictionary(r => r.ToJsonName(), StringComparer.Ordinal);

    private static readonly Dictionary<string, ShadowDifferenceKind> Kinds = new(StringComparer.Ordinal)
    {
        ["candidate-looser"] = ShadowDifferenceKind.CandidateLooser,
        ["candidate-stricter"] = ShadowDifferenceKind.CandidateStricter,
        ["tier"] = ShadowDifferenceKind.Tier,
        ["candidate-fault"] = ShadowDifferenceKind.CandidateFault,
    };

    /// <summary>Reads the records; the lines that could not be read are named on <paramref name="error"/> and returned.</summary>
    /// <exception cref="CliException">The file is missing or cannot be read.</exception>
    public static (List<ShadowRecordLine> Records, List<int> Failed) Read(string path, TextReader standardInput, TextWriter error)
    {
        using var file = path == "-" ? null : InputFile.OpenText(path, "shadow records file");
        var source = file is null ? "standard input" : path;
        var records = new List<ShadowRecordLine>();
        var failed = new List<int>();
        try
        {
            var lines = new BoundedLines(file ?? standardInput, MaxLineLength);
            while (lines.Next() is { } line)
            {
                if (line.Text is null)
                {
                    Fail(line.Number, string.Create(CultureInfo.InvariantCulture, $"longer than {MaxLineLength} characters, the most a shadow record may take; left out"));
                    continue;
                }

                if (string.IsNullOrWhiteSpace(line.Text))
                {
                    continue;
                }

                try
                {
                    records.Add(new ShadowRecordLine(line.Number, Parse(line.Text)));
                }
                catch (CaseFormatException ex)
                {
                    Fail(line.Number, ex.Message);
                }
            }
        }
        catch (IOException ex)
        {
            throw new CliException($"Cannot read the shadow records file '{path}': {ex.Message}", ex);
        }

        return (records, failed);

        void Fail(int number, string problem)
        {
            failed.Add(number);
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: {source} line {number}: {problem}"));
        }
    }

    /// <summary>Reads one record line.</summary>
    /// <exception cref="CaseFormatException">The line is not a shadow record; the message names the field.</exception>
    public static LiveShadowRecord Parse(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 8, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new CaseFormatException("", "not valid JSON: " + JsonText.Describe(ex, withLine: false));
        }

        using (document)
        {
            return Read(document.RootElement);
        }
    }

    private static LiveShadowRecord Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CaseFormatException("", $"a shadow record is a JSON object; got {JsonText.Show(root)}");
        }

        var atText = Text(root, "at", required: true)!;
        if (!DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
        {
            throw new CaseFormatException("at", $"expected an ISO 8601 time; got {JsonText.Show(root.GetProperty("at"))}");
        }

        var kind = Named(root, "kind", Kinds, required: true)!.Value;
        var activeRoute = Named(root, "activeRoute", Routes, required: true)!.Value;
        var fault = kind == ShadowDifferenceKind.CandidateFault;
        var candidateRoute = Named(root, "candidateRoute", Routes, required: false);
        if (fault && candidateRoute is not null)
        {
            throw new CaseFormatException("candidateRoute", "a candidate that threw has no route; the record gives one");
        }

        if (!fault && candidateRoute is null)
        {
            throw new CaseFormatException("candidateRoute", $"missing; a record of kind '{KindName(kind)}' names the candidate's route");
        }

        var record = new LiveShadowRecord
        {
            At = at,
            ActivePolicy = Text(root, "activePolicy", required: true)!,
            CandidatePolicy = Text(root, "candidatePolicy", required: true)!,
            ActionType = Text(root, "actionType"),
            RequestId = Text(root, "requestId"),
            Kind = kind,
            ActiveRoute = activeRoute,
            CandidateRoute = candidateRoute,
            ActiveTier = Text(root, "activeTier"),
            CandidateTier = Text(root, "candidateTier"),
            ActiveDecidedBy = Text(root, "activeDecidedBy"),
            CandidateDecidedBy = Text(root, "candidateDecidedBy"),
        };

        if (candidateRoute is { } route && KindOf(activeRoute, record.ActiveTier, route, record.CandidateTier) is var expected && expected != kind)
        {
            throw new CaseFormatException("kind", $"'{KindName(kind)}' does not fit the decisions it names: the active policy {Describe(activeRoute, record.ActiveTier)}, the candidate {Describe(route, record.CandidateTier)}" +
                (expected is { } k ? $" (that is '{KindName(k)}')" : " (they do not differ)"));
        }

        return record;
    }

    /// <summary>How two decisions differ, by the rule the shadow records them with.</summary>
    private static ShadowDifferenceKind? KindOf(RouteLevel active, string? activeTier, RouteLevel candidate, string? candidateTier) =>
        candidate < active ? ShadowDifferenceKind.CandidateLooser
        : candidate > active ? ShadowDifferenceKind.CandidateStricter
        : string.Equals(activeTier, candidateTier, StringComparison.Ordinal) ? null : ShadowDifferenceKind.Tier;

    private static string KindName(ShadowDifferenceKind kind) => Kinds.First(k => k.Value == kind).Key;

    private static string Describe(RouteLevel route, string? tier) => route.ToJsonName() + (tier is null ? "" : " (" + tier + ")");

    private static string? Text(JsonElement root, string name, bool required = false)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new CaseFormatException(name, "missing; a shadow record has at, activePolicy, candidatePolicy, kind and activeRoute") : null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new CaseFormatException(name, $"expected a string; got {JsonText.Show(value)}");
    }

    private static T? Named<T>(JsonElement root, string name, Dictionary<string, T> names, bool required)
        where T : struct
    {
        var text = Text(root, name, required);
        if (text is null)
        {
            return null;
        }

        return names.TryGetValue(text, out var value)
            ? value
            : throw new CaseFormatException(name, $"expected one of {string.Join(", ", names.Keys.Select(n => '"' + n + '"'))}; got {JsonText.Show(root.GetProperty(name))}");
    }

    /// <summary>A line of the input: its number and text, or no text when it was too long to keep.</summary>
    private readonly record struct Line(int Number, string? Text);

    /// <summary>
    /// Reads lines of at most a given length; a longer line is read past to its end without being kept. A line feed ends
    /// a line, and a carriage return before it is dropped.
    /// </summary>
    private sealed class BoundedLines(TextReader reader, int maxLength)
    {
        private readonly char[] _buffer = new char[8192];
        private readonly StringBuilder _line = new();
        private int _position;
        private int _length;
        private int _number;

        public Line? Next()
        {
            _line.Clear();
            var tooLong = false;
            var any = false;
            while (true)
            {
                if (_position == _length)
                {
                    _length = reader.Read(_buffer, 0, _buffer.Length);
                    _position = 0;
                    if (_length == 0)
                    {
                        return any ? End(tooLong) : null;
                    }
                }

                any = true;
                var newline = Array.IndexOf(_buffer, '\n', _position, _length - _position);
                var end = newline < 0 ? _length : newline;
                if (!tooLong)
                {
                    // One character over the limit is allowed in the buffer for a carriage return before the line feed.
                    if (_line.Length + (end - _position) > maxLength + 1)
                    {
                        tooLong = true;
                        _line.Clear();
                    }
                    else
                    {
                        _line.Append(_buffer, _position, end - _position);
                    }
                }

                if (newline < 0)
                {
                    _position = _length;
                    continue;
                }

                _position = newline + 1;
                return End(tooLong);
            }
        }

        private Line End(bool tooLong)
        {
            _number++;
            if (!tooLong && _line.Length > 0 && _line[^1] == '\r')
            {
                _line.Length--;
            }

            return tooLong || _line.Length > maxLength ? new Line(_number, null) : new Line(_number, _line.ToString());
        }
    }
}
