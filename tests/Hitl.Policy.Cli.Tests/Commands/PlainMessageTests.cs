using System.Text.Json;
using Hitl.Policy.Cli.Cases;

namespace Hitl.Policy.Cli.Tests.Commands;

/// <summary>
/// Issue 15 item 6.4: what the tool says about bad input is a plain sentence with the file, line and column: no parser
/// options (isFinalBlock), no .NET type names (System.Collections.Generic.List`1), no token kinds (StartArray), no
/// exception names, no stack traces.
/// </summary>
public class PlainMessageTests
{
    private static readonly string[] Internals =
    [
        "isFinalBlock", "System.", "Hitl.Policy.Definition", "Hitl.Policy.RouteLevel", "Hitl.Policy.FieldType", "`1", "`2", "Exception", "LineNumber", "BytePositionInLine", "   at ",
        "StartArray", "StartObject", "JsonTokenType", "reader options", "Nullable",
    ];

    internal static void AssertPlain(string text)
    {
        foreach (var word in Internals)
        {
            Assert.False(text.Contains(word, StringComparison.Ordinal), $"'{word}' in: {text}");
        }
    }

    public static TheoryData<string, string> TruncatedPolicies => new()
    {
        { "{\n  \"id\": \"p\",\n  \"version\": \"1\",\n  \"tiers\": [\"agent\"", "p.json:4:20: $: the JSON ends before every object and array is closed: a '}' or ']' is missing (or the text is cut short) [MalformedJson]" },
        { "{\n  \"id\": \"p\",\n  \"version\": \"1", "p.json:3:16: $: the JSON ends inside a string: a closing '\"' is missing (or the text is cut short) [MalformedJson]" },
        { "{\n  \"id\": \"p\",\n", "p.json:3:1: $: the JSON ends too early: a value, ',', '}' or ']' is missing (or the text is cut short) [MalformedJson]" },
        { "", "p.json:1:1: $: there is no JSON: the text is empty [MalformedJson]" },
        { "{\n  \"id\": \"p\"\n  \"version\": \"1\"\n}", "p.json:3:3: $: expected ',', '}' or ']' after a value; found '\"' (is a comma missing?) [MalformedJson]" },
    };

    [Theory]
    [MemberData(nameof(TruncatedPolicies))]
    public void A_truncated_policy_names_the_file_the_line_the_column_and_what_is_missing(string content, string expected)
    {
        using var folder = new TempFolder();
        var path = folder.Write("p.json", content);

        var text = Cli.Run("validate", path);
        var json = Cli.Run("validate", path, "--format", "json");

        Assert.Equal(ExitCodes.Failed, text.Exit);
        Assert.Contains(Path.Combine(folder.Path, expected), text.Out, StringComparison.Ordinal);
        AssertPlain(text.Out + json.Out);
        var error = JsonDocument.Parse(json.Out).RootElement.GetProperty("errors")[0];
        Assert.Equal("MalformedJson", error.GetProperty("code").GetString());
        Assert.Equal(expected.Split(": ", 3)[2].Replace(" [MalformedJson]", "", StringComparison.Ordinal), error.GetProperty("message").GetString());
    }

    public static TheoryData<string, string> WrongTypes => new()
    {
        { "\"tiers\": \"agent\"", "$.tiers: expected an array of strings (value: \"agent\")" },
        { "\"tiers\": [\"a\"], \"onInvalidSignal\": \"maybe\"", "$.onInvalidSignal: expected a route (auto-execute, auto-execute-with-notice, review, escalate or block) (value: \"maybe\")" },
        { "\"tiers\": [\"a\"], \"onInvalidSignal\": 2", "$.onInvalidSignal: expected a route (auto-execute, auto-execute-with-notice, review, escalate or block) as a string; found the number 2 (value: 2)" },
        { "\"fields\": []", "$.fields: expected an object (value: [])" },
        { "\"fields\": { \"a\": { \"type\": \"num\" } }", "$.fields.a.type: expected a field type (number, text, flag or reversibility) (value: \"num\")" },
        { "\"defaults\": { \"review\": { \"approvals\": 1.5 } }", "$.defaults.review.approvals: expected a whole number (value: 1.5)" },
        { "\"defaults\": { \"review\": { \"deadline\": 4 } }", "$.defaults.review.deadline: expected an ISO 8601 duration such as \"PT4H\", found a number (value: 4)" },
        { "\"defaults\": { \"sampling\": { \"rate\": 0.1, \"mode\": 1 } }", "$.defaults.sampling.mode: expected a sampling mode (flag or review) as a string; found the number 1 (value: 1)" },
        { "\"actions\": { \"a\": { \"rules\": [ { \"id\": \"r\", \"when\": { \"field\": \"amount\", \"eq\": [1] }, \"then\": { \"route\": \"review\" } } ] } }", "$.actions.a.rules[0].when.eq: expected a number, a string or true/false, found an array (value: [1])" },
        { "\"tiers\": [\"a\"], \"tiers\": [\"b\"]", "'tiers' is given twice" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void A_value_of_the_wrong_type_in_a_policy_says_what_was_expected_in_words(string properties, string expected)
    {
        using var folder = new TempFolder();
        var path = folder.Write("p.json", "{ \"id\": \"p\", \"version\": \"1\", " + properties + " }");

        var result = Cli.Run("validate", path);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains(expected, result.Out, StringComparison.Ordinal);
        Assert.Matches(@"p\.json:1:\d+: ", result.Out);
        AssertPlain(result.Out);
    }

    [Fact]
    public void A_policy_that_is_not_json_is_named_so_by_the_commands_that_run_it()
    {
        using var folder = new TempFolder();
        var path = folder.Write("p.json", "{ \"id\": \"p\",");

        var result = Cli.Run("route", "--policy", path, "--cases", "-");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"error: The policy file '{path}' is not valid JSON (1 error):", result.Error, StringComparison.Ordinal);
        Assert.Contains($"{path}:1:12: $: the JSON ends too early", result.Error, StringComparison.Ordinal);
        AssertPlain(result.Error);
    }

    [Fact]
    public void A_truncated_test_file_names_the_line_and_column_in_a_plain_sentence()
    {
        using var folder = new TempFolder();
        var path = folder.Write("TESTS.json", "{\n  \"tests\": [\n    { \"name\": \"cut\", \"case\": { \"action\": \"refund.issue\"");

        var result = Cli.Run("test", Cli.Operations, path);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Equal($"error: The test file '{path}' is not valid JSON: the JSON ends before every object and array is closed: a '}}' or ']' is missing (or the text is cut short) (line 3, column 56)", result.Error.TrimEnd());
        AssertPlain(result.Error);
    }

    [Fact]
    public void Wrong_types_in_a_test_file_name_the_key_and_the_value()
    {
        using var folder = new TempFolder();
        var path = folder.Write("TESTS.json", """
            { "tests": [
              { "name": 7, "case": {}, "expect": { "route": "review" } },
              { "name": "case is a list", "case": [], "expect": { "route": "review" } },
              { "name": "amount is text", "case": { "action": "refund.issue", "amount": "lots" }, "expect": { "route": "review" } },
              { "name": "approvals is text", "case": {}, "expect": { "route": "review", "approvals": "two" } }
            ] }
            """);

        var result = Cli.Run("test", Cli.Operations, path);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains("name: expected a string; got the number 7", result.Out, StringComparison.Ordinal);
        Assert.Contains("case: a case is a JSON object; got an array", result.Out, StringComparison.Ordinal);
        Assert.Contains("case.amount: expected a number; got the string \"lots\"", result.Out, StringComparison.Ordinal);
        Assert.Contains("expect.approvals: expected a whole number, 0 or more; got the string \"two\"", result.Out, StringComparison.Ordinal);
        AssertPlain(result.Out);
    }

    [Theory]
    [InlineData("", "there is no JSON: the text is empty (column 1)")]
    [InlineData("{\"action\": \"refund.issue\", ", "the JSON ends too early: a value, ',', '}' or ']' is missing (or the text is cut short) (column 28)")]
    [InlineData("{\"action\": tru}", "'tru}' is not a JSON value: JSON's words are true, false and null, and text goes in double quotes (column 15)")]
    [InlineData("{action: 1}", "expected a property name in double quotes; found 'a' (column 2)")]
    [InlineData("{\"a\" 1}", "expected ':' after a property name; found '1' (column 6)")]
    [InlineData("{\"a\": 1,}", "a ',' is followed by no item: remove the comma before the '}' or ']' (column 9)")]
    [InlineData("{\"a\": 01}", "a number starts with 0 and more digits, which JSON does not allow (write 7, not 07) (column 8)")]
    [InlineData("{\"a\": 1.}", "a number is cut short: found '}' where a digit was expected (column 9)")]
    [InlineData("{\"a\": \"\\q\"}", "a string has the escape '\\q', which JSON does not have")]
    [InlineData("{\"a\": \"x\ty\"}", "a string holds the character 0x09, which must be escaped (\\t, \\n or \\uXXXX)")]
    [InlineData("{\"a\": 1} x", "the JSON value is complete, but 'x' follows it: a document holds one value (column 10)")]
    [InlineData("{\"a\": }", "expected a value (a string in double quotes, a number, true, false, null, an object or an array); found '}' (column 7)")]
    public void A_case_that_is_not_json_says_what_is_wrong_in_plain_words(string json, string expected)
    {
        var result = Cli.Run("explain", "--policy", Cli.Operations, "--case", json);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("error: The case given with --case cannot be read: not valid JSON: " + expected, result.Error, StringComparison.Ordinal);
        AssertPlain(result.Error);
    }

    [Fact]
    public void Json_nested_too_deep_says_how_deep_it_may_go()
    {
        var ex = Assert.Throws<CaseFormatException>(() => CaseReader.Parse(new string('[', 70) + new string(']', 70), new CaseSchema(PolicyJson.Load(Cli.Operations))));

        Assert.StartsWith("not valid JSON: the JSON is nested more than 64 levels deep", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_case_file_line_that_is_not_json_names_the_file_and_line_in_route()
    {
        using var folder = new TempFolder();
        var cases = folder.Write("cases.jsonl", "{\"action\": \"refund.issue\"}\n{\"action\": \n");

        var result = Cli.Run("route", "--policy", Cli.Operations, "--cases", cases);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains($"error: {cases} line 2: not valid JSON: the JSON ends before every object and array is closed: a '}}' or ']' is missing (or the text is cut short) (column 12)", result.Error, StringComparison.Ordinal);
        AssertPlain(result.Out + result.Error);
    }

    [Theory]
    [InlineData("validate", "missing.json")]
    [InlineData("test", "missing.json", "TESTS.json")]
    [InlineData("explain", "--policy", "missing.json", "--case", "{}")]
    [InlineData("route", "--policy", "missing.json", "--cases", "-")]
    [InlineData("audit", "verify", "missing.jsonl")]
    [InlineData("audit", "stats", "missing.jsonl")]
    public void A_missing_file_is_named_with_where_it_was_looked_for(params string[] args)
    {
        var result = Cli.Run(args);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Matches(@"^error: The (policy file|audit trail) 'missing\.jsonl?' does not exist \(looked in .+missing\.jsonl?\)\.", result.Error);
        AssertPlain(result.Error);
    }

    [Fact]
    public void A_missing_test_file_is_named_after_a_policy_that_loads()
    {
        var result = Cli.Run("test", Cli.Operations, "missing-tests.json");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.StartsWith("error: The test file 'missing-tests.json' does not exist (looked in ", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--target", "abc", "error: --target: 'abc' is not a number.")]
    [InlineData("--min-sample", "1.5", "error: --min-sample: '1.5' is not a whole number.")]
    public void An_option_value_of_the_wrong_type_says_what_it_must_be_without_a_type_name(string option, string value, string expected)
    {
        var result = Cli.Run("calibrate", "--audit", "a.jsonl", "--policy", Cli.Operations, option, value);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        AssertPlain(result.Error);
    }

    [Fact]
    public void An_internal_error_shows_its_details_only_when_asked_for()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var io = new CommandIo(output, error, new ThrowingReader()) { ShowInternals = true };

        var exit = HitlApp.Run(["route", "--policy", Cli.Operations, "--cases", "-"], io);

        Assert.Equal(ExitCodes.InternalError, exit);
        Assert.Contains("internal error: hitl failed unexpectedly: the disk went away. This is not a verdict on the input; please report it.", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: the disk went away", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_message_the_parser_gives_for_these_inputs_reads_without_internals()
    {
        string[] inputs =
        [
            "", " ", "{", "[", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "{\"a\":1,}", "[1,]", "[1 2]", "{\"a\" 1}", "{a:1}",
            "{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"x", "{\"a\":\"\\q\"}", "{\"a\":\"\\u12\"}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}",
            "{\"a\":1e}", "{\"a\":1}}", "{\"a\":1} x", "{\"a\":[}", "{\"a\":{]}", "{\"a\":'x'}", "{\"a\":1}//c", "/* c */ {}", "\"x\" \"y\"",
            new string('[', 70) + new string(']', 70),
        ];
        var parsed = new List<string>();
        foreach (var input in inputs)
        {
            string message;
            try
            {
                using var document = JsonDocument.Parse(input);
                parsed.Add(input);
                continue;
            }
            catch (JsonException ex)
            {
                message = ex.Message;
            }

            var plain = JsonMessages.Plain(message);

            AssertPlain(plain);
            Assert.False(plain == "the value does not fit here", message);
        }

        Assert.Empty(parsed);
        var invalidUtf8 = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(new byte[] { 0xFF, (byte)'{', (byte)'}' })).Message;
        AssertPlain(JsonMessages.Plain(invalidUtf8));
    }

    private sealed class ThrowingReader : TextReader
    {
        public override int Read(char[] buffer, int index, int count) => throw new InvalidOperationException("the disk went away");

        public override int Read() => throw new InvalidOperationException("the disk went away");

        public override string ReadLine() => throw new InvalidOperationException("the disk went away");
    }
}
