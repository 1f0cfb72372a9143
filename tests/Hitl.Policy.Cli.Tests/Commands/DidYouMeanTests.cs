using System.Text.Json;
using Hitl.Policy.Cli.Cases;

namespace Hitl.Policy.Cli.Tests.Commands;

/// <summary>
/// Issue 15 item 6.7: a misspelt property is answered with the known name it is closest to at that place: in a policy
/// (validate, from the core's validator), in a case, and in a test file. Only when close; a far name gets none.
/// </summary>
public class DidYouMeanTests
{
    private static string Policy(TempFolder folder, string defaults) =>
        folder.Write("p.json", "{ \"id\": \"p\", \"version\": \"1\", \"tiers\": [\"agent\"], \"defaults\": { \"route\": \"review\", " + defaults + " } }");

    [Fact]
    public void Validate_offers_the_close_property_name_in_text_and_json()
    {
        using var folder = new TempFolder();
        var path = Policy(folder, "\"confidenceBand\": []");

        var text = Cli.Run("validate", path);
        var json = Cli.Run("validate", path, "--format", "json");

        Assert.Equal(ExitCodes.Failed, text.Exit);
        Assert.Contains("$.defaults.confidenceBand: 'confidenceBand' is not a property here; did you mean 'confidenceBands'? (value: []) [UnknownProperty]", text.Out, StringComparison.Ordinal);
        var error = JsonDocument.Parse(json.Out).RootElement.GetProperty("errors")[0];
        Assert.Equal("'confidenceBand' is not a property here; did you mean 'confidenceBands'?", error.GetProperty("message").GetString());
    }

    [Fact]
    public void Validate_offers_nothing_for_a_name_close_to_none()
    {
        using var folder = new TempFolder();
        var path = Policy(folder, "\"autoApproveBelow\": 100");

        var result = Cli.Run("validate", path);

        Assert.Contains("'autoApproveBelow' is not a property here; check its spelling against the policy JSON reference", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "confidenc": 0.9 }""", "confidenc: not a signal (did you mean 'confidence'?); a case has action,")]
    [InlineData("""{ "Amount": 10 }""", "Amount: not a signal (did you mean 'amount'?)")]
    [InlineData("""{ "feilds": {} }""", "feilds: not a signal (did you mean 'fields'?)")]
    [InlineData("""{ "fields": { "customer.isnew": true } }""", "fields['customer.isnew']: the policy declares no field 'customer.isnew' (did you mean 'customer.isNew'?); it declares")]
    public void A_case_offers_the_close_signal_or_field(string json, string message)
    {
        var ex = Assert.Throws<CaseFormatException>(() => CaseReader.Parse(json, new CaseSchema(PolicyJson.Load(Cli.Operations))));

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_far_name_in_a_case_gets_no_suggestion()
    {
        var ex = Assert.Throws<CaseFormatException>(() => CaseReader.Parse("""{ "priority": 1 }""", new CaseSchema(PolicyJson.Load(Cli.Operations))));

        Assert.StartsWith("priority: not a signal; a case has", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "name": "t", "case": {}, "expct": { "route": "review" } }""", "unknown property 'expct' (did you mean 'expect'?); a test has name, case, expect, killSwitch")]
    [InlineData("""{ "name": "t", "case": {}, "expect": { "routeAtleast": "review" } }""", "expect.routeAtleast: unknown (did you mean 'routeAtLeast'?); expect has")]
    [InlineData("""{ "name": "t", "case": {}, "expect": { "route": "review", "flagExactly": [] } }""", "expect.flagExactly: unknown (did you mean 'flagsExactly'?)")]
    [InlineData("""{ "name": "t", "case": {}, "killswitch": true, "expect": { "route": "review" } }""", "unknown property 'killswitch' (did you mean 'killSwitch'?)")]
    [InlineData("""{ "name": "t", "case": {}, "killSwitch": { "globl": true }, "expect": { "route": "review" } }""", "killSwitch.globl: unknown (did you mean 'global'?); killSwitch has global, actions")]
    public void A_test_file_offers_the_close_key(string test, string message)
    {
        using var folder = new TempFolder();
        var path = folder.Write("TESTS.json", "{ \"tests\": [ " + test + " ] }");

        var result = Cli.Run("test", Cli.Operations, path);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains(message, result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_test_files_root_offers_tests_for_test()
    {
        using var folder = new TempFolder();
        var path = folder.Write("TESTS.json", """{ "tests": [], "test": [] }""");

        var result = Cli.Run("test", Cli.Operations, path);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("has an unknown property 'test' (did you mean 'tests'?)", result.Error, StringComparison.Ordinal);
    }
}
