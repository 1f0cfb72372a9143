using System.Text.Json;

namespace Hitl.Policy.Cli.Tests.Commands;

public class ValidateCommandTests
{
    public static TheoryData<string> SamplePolicies => new()
    {
        "samples/policies/operations.json",
        "samples/Hitl.Policy.Samples.FinancialApprovals/financial-approvals.json",
        "samples/Hitl.Policy.Samples.AgentToolGate/agent-tool-gate.json",
    };

    [Theory]
    [MemberData(nameof(SamplePolicies))]
    public void Every_sample_policy_is_valid(string relative)
    {
        var result = Cli.Run("validate", Cli.Repo(relative));

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.Contains(": valid. Policy '", result.Out, StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void A_valid_policy_is_summarised_by_tiers_fields_and_rules()
    {
        var result = Cli.Run("validate", Cli.Operations);

        Assert.Contains("Policy 'operations' version 2026.11.1.", result.Out, StringComparison.Ordinal);
        Assert.Contains("tiers:   agent < senior < director", result.Out, StringComparison.Ordinal);
        Assert.Contains("fields:  11 host fields", result.Out, StringComparison.Ordinal);
        Assert.Contains("actions: 4 action types", result.Out, StringComparison.Ordinal);
        Assert.Contains("loan.approve: 12 rules", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_is_listed_with_file_line_column_path_and_value()
    {
        using var folder = new TempFolder();
        var broken = File.ReadAllText(Cli.Operations)
            .Replace("\"rate\": 0.05, \"mode\": \"flag\" },\n    \"review\"", "\"rate\": 1.5, \"mode\": \"flag\" },\n    \"review\"", StringComparison.Ordinal)
            .Replace("{ \"field\": \"customer.chargebacks\", \"gte\": 3 }", "{ \"field\": \"customer.chargebaks\", \"gte\": 3 }", StringComparison.Ordinal);
        Assert.NotEqual(File.ReadAllText(Cli.Operations), broken);
        var path = folder.Write("broken.json", broken);

        var result = Cli.Run("validate", path);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        var errors = result.OutLines.Where(l => l.StartsWith(path + ":", StringComparison.Ordinal) && !l.EndsWith("not valid.", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Contains("$.defaults.sampling.rate", StringComparison.Ordinal) && e.Contains("1.5", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("customer.chargebaks", StringComparison.Ordinal) && e.Contains("[UnknownField]", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Matches(@"^.+broken\.json:\d+:\d+: \$", e));
        Assert.Contains("2 errors; the policy is not valid.", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"field\": \"applicant.debtRatio\", \"weight\": 2 }", "{ \"field\": \"applicant.debtRatio\", \"weight\": 1e308 }", "{ \"field\": \"fraud.signal\", \"weight\": 3 }", "{ \"field\": \"fraud.signal\", \"weight\": 1e308 }", "$.actions['loan.approve'].risk.factors")]
    [InlineData("\"route\": \"auto-execute\"", "\"route\": \"0\"", "", "", "$.defaults.route")]
    [InlineData("\"route\": \"auto-execute\"", "\"route\": 42", "", "", "$.defaults.route")]
    [InlineData("\"type\": \"flag\"", "\"type\": \"reversibility\"", "", "", "$.fields['customer.isNew'].type")]
    [InlineData("\"min\": 0,", "\"min\": -1e309,", "", "", "$.fields['applicant.income'].min")]
    public void What_issue_10_found_valid_is_not_valid(string from, string to, string from2, string to2, string path)
    {
        using var folder = new TempFolder();
        var text = File.ReadAllText(Cli.Operations);
        var changed = ReplaceFirst(text, from, to);
        changed = from2.Length == 0 ? changed : ReplaceFirst(changed, from2, to2);
        Assert.NotEqual(text, changed);
        var file = folder.Write("policy.json", changed);

        var result = Cli.Run("validate", file);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains(path, result.Out, StringComparison.Ordinal);
        Assert.Matches(@"policy\.json:\d+:\d+: \$", result.Out);

        static string ReplaceFirst(string text, string from, string to)
        {
            var at = text.IndexOf(from, StringComparison.Ordinal);
            return at < 0 ? text : string.Concat(text.AsSpan(0, at), to, text.AsSpan(at + from.Length));
        }
    }

    [Fact]
    public void The_line_of_an_error_is_the_line_of_the_offending_value()
    {
        using var folder = new TempFolder();
        var path = folder.Write("policy.json", "{\n  \"id\": \"p\",\n  \"version\": \"1\",\n  \"onInvalidSignal\": \"auto-execute\"\n}\n");

        var result = Cli.Run("validate", path);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains(path + ":4:", result.Out, StringComparison.Ordinal);
        Assert.Contains("$.onInvalidSignal", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_is_an_error_with_its_line()
    {
        using var folder = new TempFolder();
        var path = folder.Write("policy.json", "{\n  \"id\": \"p\",\n  \"version\": \"1\"\n  \"tiers\": []\n}\n");

        var result = Cli.Run("validate", path);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains(path + ":4:", result.Out, StringComparison.Ordinal);
        Assert.Contains("[MalformedJson]", result.Out, StringComparison.Ordinal);
        Assert.Contains("1 error; the policy is not valid.", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_usage_error_naming_the_file()
    {
        var result = Cli.Run("validate", "no-such-policy.json");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("error: The policy file 'no-such-policy.json' does not exist", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void A_directory_is_not_a_policy_file()
    {
        var result = Cli.Run("validate", Cli.Repo("samples"));

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("is a directory", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_format_gives_every_error_as_an_object()
    {
        using var folder = new TempFolder();
        var path = folder.Write("policy.json", "{\n  \"id\": \"p\",\n  \"version\": \"1\",\n  \"onInvalidSignal\": \"auto-execute\",\n  \"tiers\": []\n}\n");

        var result = Cli.Run("validate", path, "--format", "json");

        Assert.Equal(ExitCodes.Failed, result.Exit);
        using var json = JsonDocument.Parse(result.Out);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        var errors = json.RootElement.GetProperty("errors").EnumerateArray().ToList();
        Assert.True(errors.Count >= 2, result.Out);
        var invalid = errors.Single(e => e.GetProperty("path").GetString() == "$.onInvalidSignal");
        Assert.Equal(4, invalid.GetProperty("line").GetInt32());
        Assert.False(string.IsNullOrEmpty(invalid.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(invalid.GetProperty("code").GetString()));
    }

    [Fact]
    public void Json_format_of_a_valid_policy_says_so()
    {
        var result = Cli.Run("validate", Cli.AgentPolicy, "--format", "json");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        using var json = JsonDocument.Parse(result.Out);
        Assert.True(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal("agent-tool-gate", json.RootElement.GetProperty("policy").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("errors").GetArrayLength());
    }
}
