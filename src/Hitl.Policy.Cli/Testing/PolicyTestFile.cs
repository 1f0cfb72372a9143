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
    private static readonly string[] RootProperties = ["tests", "description", "$schema"];
    private static readonly string[] TestProperties = ["name", "case", "expect", "killSwitch"];
    private static readonly string[] ExpectProperties = ["route", "routeAtLeast", "tier", "approvals", "decidedBy", "fired", "flags", "flagsExactly"];

    public static IReadOnlyList<PolicyTest> Load(string path)
    {
        var bytes = InputFile.WithoutByteOrderMark(InputFile.ReadBytes(path, "test file"));
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
                if (Array.IndexOf(RootProperties, property.Name) < 0)
                {
                    throw new CliException($"The test file '{path}' has an unknown property '{JsonText.Name(property.Name)}'{NameSuggestion.Hint(property.Name, RootProperties)}; it has \"description\" and \"tests\".");
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
                return Broken($"unknown property '{JsonText.Name(property.Name)}'{NameSuggestion.Hint(property.Name, TestProperties)}; a test has {string.Join(", ", TestProperties)}");
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

        Expectation expectation;
        try
        {
            expectation = ReadExpectation(expect);
        }
        catch (CaseFormatException ex)
        {
            return Broken("expect" + (ex.Path.Length == 0 ? ": " : ".") + ex.Message);
        }

        KillSwitchSetting? killSwitch = null;
        if (test.TryGetProperty("killSwitch", out var kill))
        {
            try
            {
                killSwitch = ReadKillSwitch(kill);
            }
            catch (CaseFormatException ex)
            {
                return Broken("killSwitch" + (ex.Path.Length == 0 ? ": " : ".") + ex.Message);
            }
        }

        return new PolicyTest(index, line, name, @case.Clone(), expectation, null) { KillSwitch = killSwitch };
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
                throw new CaseFormatException(JsonText.Name(property.Name), $"unknown{NameSuggestion.Hint(property.Name, ExpectProperties)}; expect has {string.Join(", ", ExpectProperties)}");
            }
        }

        var hasRoute = expect.TryGetProperty("route", out var routeValue);
        var hasAtLeast = expect.TryGetProperty("routeAtLeast", out var atLeastValue);
        if (!hasRoute && !hasAtLeast)
        {
            throw new CaseFormatException("route", "missing; every test expects a route (\"route\" for exactly that route, or \"routeAtLeast\" for the least strict route allowed)");
        }

        if (hasRoute && hasAtLeast)
        {
            throw new CaseFormatException("routeAtLeast", "give \"route\" (exactly that route) or \"routeAtLeast\" (that route or a stricter one), not both");
        }

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

        var hasFlags = expect.TryGetProperty("flags", out var fl);
        var hasExactly = expect.TryGetProperty("flagsExactly", out var fx);
        if (hasFlags && hasExactly)
        {
            throw new CaseFormatException("flagsExactly", "give \"flags\" (flags that must be among those set) or \"flagsExactly\" (the whole set), not both");
        }

        var flags = hasFlags ? FlagNames("flags", fl) : [];
        if (hasFlags && flags.Count == 0)
        {
            // "flags" lists flags that must be set, so an empty list would check nothing; the author almost surely means "no flags".
            throw new CaseFormatException("flags", "an empty list checks nothing (\"flags\" names flags that must be set, others may be too); to expect no flag at all write \"flagsExactly\": []");
        }

        return new Expectation
        {
            Route = hasRoute ? RouteName("route", routeValue) : null,
            RouteAtLeast = hasAtLeast ? RouteName("routeAtLeast", atLeastValue) : null,
            ChecksTier = checksTier,
            Tier = checksTier && tier.ValueKind == JsonValueKind.String ? tier.GetString() : null,
            Approvals = approvals,
            DecidedBy = decidedBy,
            Fired = fired,
            Flags = flags,
            FlagsExactly = hasExactly ? FlagNames("flagsExactly", fx) : null,
        };
    }

    private static RouteLevel RouteName(string key, JsonElement value)
    {
        var routes = Enum.GetValues<RouteLevel>();
        var name = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return routes.Where(r => r.ToJsonName() == name).Select(r => (RouteLevel?)r).FirstOrDefault()
            ?? throw new CaseFormatException(key, $"expected one of {string.Join(", ", routes.Select(r => r.ToJsonName()))}; got {JsonText.Show(value)}");
    }

    /// <summary>A list of flag names, each known and given once.</summary>
    private static List<string> FlagNames(string key, JsonElement value)
    {
        var known = string.Join(", ", DecisionText.FlagNames);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new CaseFormatException(key, $"expected an array of flag names ({known}); got {JsonText.Show(value)}");
        }

        var names = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var where = key + "[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";
            index++;
            if (item.ValueKind != JsonValueKind.String || !DecisionText.IsFlag(item.GetString()!))
            {
                throw new CaseFormatException(where, $"expected a flag name ({known}); got {JsonText.Show(item)}");
            }

            if (names.Contains(item.GetString()!))
            {
                throw new CaseFormatException(where, $"'{item.GetString()}' is given twice");
            }

            names.Add(item.GetString()!);
        }

        return names;
    }

    /// <summary>
    /// The kill switches a test engages: <c>true</c> (the global switch), <c>false</c> (none, as when left out), or an
    /// object in the shape of the policy's <c>killSwitch</c>: <c>{"global": true}</c>, <c>{"actions": ["refund.issue"]}</c>.
    /// </summary>
    private static KillSwitchSetting? ReadKillSwitch(JsonElement value)
    {
        const string Shape = "expected true, false or an object like the policy's killSwitch: {\"global\": true} or {\"actions\": [\"refund.issue\"]}";
        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                return new KillSwitchSetting(true, []);
            case JsonValueKind.False:
                return null;
            case JsonValueKind.Object:
                break;
            default:
                throw new CaseFormatException("", $"{Shape}; got {JsonText.Show(value)}");
        }

        var global = false;
        var actions = new List<string>();
        foreach (var property in value.EnumerateObject())
        {
            switch (property.Name)
            {
                case "global" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    global = property.Value.GetBoolean();
                    break;
                case "global":
                    throw new CaseFormatException("global", $"expected true or false; got {JsonText.Show(property.Value)}");
                case "actions" when property.Value.ValueKind == JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in property.Value.EnumerateArray())
                    {
                        var where = "actions[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";
                        index++;
                        if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                        {
                            throw new CaseFormatException(where, $"expected an action type; got {JsonText.Show(item)}");
                        }

                        actions.Add(item.GetString()!);
                    }

                    break;
                case "actions":
                    throw new CaseFormatException("actions", $"expected an array of action types; got {JsonText.Show(property.Value)}");
                default:
                    throw new CaseFormatException(JsonText.Name(property.Name), $"unknown{NameSuggestion.Hint(property.Name, ["global", "actions"])}; killSwitch has global, actions");
            }
        }

        return global || actions.Count > 0 ? new KillSwitchSetting(global, actions) : null;
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
