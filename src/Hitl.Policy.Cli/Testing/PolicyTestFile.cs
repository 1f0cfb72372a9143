using System.Text.Json;
using Hitl.Policy.Cli.Cases;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;

namespace Hitl.Policy.Cli.Testing;

/// <summary>
/// Reads a policy test file. The file as a whole must be a JSON object with a <c>tests</c> array (else the command
/// cannot run); a malformed entry becomes a test that reports its problem, so the other tests still run.
/// </summary>
/// <example>
/// <code>
/// { "tests": [ { "name": "a small confident refund runs on its own",
///                "case": { "action": "refund.issue", "confidence": 0.97, "amount": 40, "reversibility": "reversible" },
///                "expect": { "route": "auto-execute" } } ] }
/// </code>
/// </example>
internal static class PolicyTestFile
{
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private static readonly string[] TestProperties = ["name", "case", "expect"];
    private static readonly string[] ExpectProperties = ["route", "tier", "approvals", "decidedBy", "fired", "flags"];

    public static IReadOnlyList<PolicyTest> Load(string path)
    {
        var bytes = InputFile.ReadBytes(path, "test file");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, Options);
        }
        catch (JsonException ex)
        {
            throw new CliException($"The test file '{path}' is not valid JSON: {JsonText.Describe(ex)}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("tests", out var tests) || tests.ValueKind != JsonValueKind.Array)
            {
                throw new CliException($"The test file '{path}' must be a JSON object with a \"tests\" array; see 'hitl test --help'.");
            }

            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not ("tests" or "description" or "$schema"))
                {
                    throw new CliException($"The test file '{path}' has an unknown property '{property.Name}'; it has \"description\" and \"tests\".");
                }
            }

            var lines = TestLines(bytes);
            var result = new List<PolicyTest>();
            var index = 0;
            foreach (var test in tests.EnumerateArray())
            {
                result.Add(Read(index, index < lines.Count ? lines[index] : 0, test));
                index++;
            }

            return result;
        }
    }

    private static PolicyTest Read(int index, int line, JsonElement test)
    {
        var fallbackName = "tests[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";
        var n = default(JsonElement);
        var name = test.ValueKind == JsonValueKind.Object && test.TryGetProperty("name", out n) && n.ValueKind == JsonValueKind.String
            ? n.GetString()!
            : fallbackName;

        PolicyTest Broken(string problem) => new(index, line, name, default, new Expectation(), problem);

        if (test.ValueKind != JsonValueKind.Object)
        {
            return Broken($"a test is an object with name, case and expect; got {JsonText.Show(test)}");
        }

        foreach (var property in test.EnumerateObject())
        {
            if (Array.IndexOf(TestProperties, property.Name) < 0)
            {
                return Broken($"unknown property '{property.Name}'; a test has {string.Join(", ", TestProperties)}");
            }
        }

        if (!test.TryGetProperty("name", out _))
        {
            return Broken("missing \"name\": say in words what the test checks");
        }

        if (n.ValueKind != JsonValueKind.String)
        {
            return Broken($"name: expected a string; got {JsonText.Show(n)}");
        }

        if (!test.TryGetProperty("case", out var @case))
        {
            return Broken("missing \"case\": the signals to route");
        }

        if (!test.TryGetProperty("expect", out var expect))
        {
            return Broken("missing \"expect\": at least the expected route");
        }

        try
        {
            return new PolicyTest(index, line, name, @case.Clone(), ReadExpectation(expect), null);
        }
        catch (CaseFormatException ex)
        {
            return Broken("expect." + ex.Message);
        }
    }

    private static Expectation ReadExpectation(JsonElement expect)
    {
        if (expect.ValueKind != JsonValueKind.Object)
        {
            throw new CaseFormatException("", $"expected an object; got {JsonText.Show(expect)}");
        }

        foreach (var property in expect.EnumerateObject())
        {
            if (Array.IndexOf(ExpectProperties, property.Name) < 0)
            {
                throw new CaseFormatException(property.Name, $"unknown; expect has {string.Join(", ", ExpectProperties)}");
            }
        }

        if (!expect.TryGetProperty("route", out var routeValue))
        {
            throw new CaseFormatException("route", "missing; every test expects a route");
        }

        var routes = Enum.GetValues<RouteLevel>();
        var routeName = routeValue.ValueKind == JsonValueKind.String ? routeValue.GetString() : null;
        var route = routes.Where(r => r.ToJsonName() == routeName).Select(r => (RouteLevel?)r).FirstOrDefault()
            ?? throw new CaseFormatException("route", $"expected one of {string.Join(", ", routes.Select(r => r.ToJsonName()))}; got {JsonText.Show(routeValue)}");

        var checksTier = expect.TryGetProperty("tier", out var tier);
        if (checksTier && tier.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            throw new CaseFormatException("tier", $"expected a tier name or null; got {JsonText.Show(tier)}");
        }

        int? approvals = null;
        if (expect.TryGetProperty("approvals", out var a))
        {
            approvals = a.ValueKind == JsonValueKind.Number && a.TryGetInt32(out var count) && count >= 0
                ? count
                : throw new CaseFormatException("approvals", $"expected a whole number, 0 or more; got {JsonText.Show(a)}");
        }

        string? decidedBy = null;
        if (expect.TryGetProperty("decidedBy", out var d))
        {
            decidedBy = d.ValueKind == JsonValueKind.String
                ? d.GetString()
                : throw new CaseFormatException("decidedBy", $"expected a rule id; got {JsonText.Show(d)}");
        }

        var fired = new List<string>();
        if (expect.TryGetProperty("fired", out var f))
        {
            if (f.ValueKind != JsonValueKind.Array || f.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                throw new CaseFormatException("fired", $"expected an array of rule ids; got {JsonText.Show(f)}");
            }

            fired.AddRange(f.EnumerateArray().Select(e => e.GetString()!));
        }

        var flags = new List<string>();
        if (expect.TryGetProperty("flags", out var fl))
        {
            if (fl.ValueKind != JsonValueKind.Array || fl.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || !DecisionText.IsFlag(e.GetString()!)))
            {
                throw new CaseFormatException("flags", $"expected an array of flag names ({string.Join(", ", DecisionText.Flags((DecisionFlags)ushort.MaxValue))}); got {fl.GetRawText()}");
            }

            flags.AddRange(fl.EnumerateArray().Select(e => e.GetString()!));
        }

        return new Expectation
        {
            Route = route,
            ChecksTier = checksTier,
            Tier = checksTier && tier.ValueKind == JsonValueKind.String ? tier.GetString() : null,
            Approvals = approvals,
            DecidedBy = decidedBy,
            Fired = fired,
            Flags = flags,
        };
    }

    /// <summary>The 1-based line on which each entry of the root's <c>tests</c> array starts.</summary>
    private static List<int> TestLines(byte[] utf8)
    {
        var lines = new List<int>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        string? property = null;
        var inTests = false;
        var line = 1;
        long counted = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                    property = reader.GetString();
                    break;
                case JsonTokenType.StartArray when reader.CurrentDepth == 1:
                    inTests = property == "tests";
                    break;
                case JsonTokenType.EndArray when reader.CurrentDepth == 1:
                    inTests = false;
                    break;
                default:
                    if (inTests && reader.CurrentDepth == 2 && reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray))
                    {
                        for (; counted < reader.TokenStartIndex; counted++)
                        {
                            if (utf8[counted] == (byte)'\n')
                            {
                                line++;
                            }
                        }

                        lines.Add(line);
                    }

                    break;
            }
        }

        return lines;
    }
}
