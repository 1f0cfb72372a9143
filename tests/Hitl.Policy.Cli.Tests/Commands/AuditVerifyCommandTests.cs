using System.Text;
using System.Text.Json;
using Hitl.Policy.Cli.Tests.Audit;

namespace Hitl.Policy.Cli.Tests.Commands;

public class AuditVerifyCommandTests
{
    [Fact]
    public void An_untouched_trail_verifies()
    {
        using var folder = new TempFolder();
        var path = Trail.Known().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var result = Cli.Run("audit", "verify", path);

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.Equal(
            [$"{path}: intact, 22 records, every hash linked.", "Records cut off the end cannot be seen without a checkpoint kept elsewhere (--checkpoint)."],
            result.OutLines);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void One_changed_byte_names_the_record_and_its_line()
    {
        using var folder = new TempFolder();
        var path = Trail.Known().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        ChangeOneByte(path, line: 5, "0.82", "0.92");

        var result = Cli.Run("audit", "verify", path);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.StartsWith($"{path}: BROKEN at record 5, line 5: sequence 5:", result.Out, StringComparison.Ordinal);
        Assert.Contains("4 intact records before it verify; nothing from line 5 on can be trusted.", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_report_names_the_first_broken_sequence_and_line()
    {
        using var folder = new TempFolder();
        var path = Trail.Known().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        ChangeOneByte(path, line: 17, "\"sam\"", "\"Sam\"");

        var result = Cli.Run("audit", "verify", path, "--format", "json");

        Assert.Equal(ExitCodes.Failed, result.Exit);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal("broken", json.GetProperty("status").GetString());
        Assert.False(json.GetProperty("intact").GetBoolean());
        Assert.Equal(16, json.GetProperty("intactRecords").GetInt64());
        Assert.Equal(17, json.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Equal(17, json.GetProperty("firstBrokenLine").GetInt32());
        Assert.StartsWith("sequence 17:", json.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_report_of_an_intact_trail_has_no_problem()
    {
        using var folder = new TempFolder();
        var path = Trail.Known().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var result = Cli.Run("audit", "verify", "--format", "json", path);

        Assert.Equal(ExitCodes.Ok, result.Exit);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal("intact", json.GetProperty("status").GetString());
        Assert.Equal(22, json.GetProperty("intactRecords").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("firstBrokenLine").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("problem").ValueKind);
    }

    [Fact]
    public void A_torn_last_line_is_reported_as_torn_with_the_intact_records_before_it()
    {
        using var folder = new TempFolder();
        var path = Trail.Known().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        File.AppendAllText(path, "{\"sequence\":23,\"previousHash\":\"ab");

        var result = Cli.Run("audit", "verify", path);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.StartsWith($"{path}: TORN TAIL at line 23: the last line is incomplete", result.Out, StringComparison.Ordinal);
        Assert.Contains("The 22 intact records before it verify.", result.Out, StringComparison.Ordinal);
        var json = JsonDocument.Parse(Cli.Run("audit", "verify", path, "-f", "json").Out).RootElement;
        Assert.Equal("torn-tail", json.GetProperty("status").GetString());
        Assert.Equal(22, json.GetProperty("intactRecords").GetInt64());
    }

    [Fact]
    public void An_empty_trail_is_intact_and_says_it_is_empty()
    {
        using var folder = new TempFolder();
        var path = folder.Write("audit.jsonl", "");

        var result = Cli.Run("audit", "verify", path);

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Contains("intact, but empty (no records)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_cannot_be_verified()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "nowhere.jsonl");

        var result = Cli.Run("audit", "verify", path);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"error: The audit trail '{path}' does not exist", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_directory_is_not_a_trail()
    {
        using var folder = new TempFolder();

        var result = Cli.Run("audit", "verify", folder.Path);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("is a directory", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_trail_the_usage_error_points_to_the_subcommands_help()
    {
        var result = Cli.Run("audit", "verify");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("Run 'hitl audit verify --help' for usage.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ends_with_the_trail_format_and_exit_codes()
    {
        var result = Cli.Run("audit", "verify", "--help");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Contains("hitl audit verify <AUDIT.jsonl|STORE.db> [options]", result.Out, StringComparison.Ordinal);
        Assert.Contains("JsonLinesAuditStore writes", result.Out, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 the chain is intact; 1 it is broken", result.Out, StringComparison.Ordinal);
    }

    /// <summary>Replaces text of the same length on one line, so exactly the bytes that differ change.</summary>
    internal static void ChangeOneByte(string path, int line, string from, string to)
    {
        Assert.Equal(from.Length, to.Length);
        var lines = File.ReadAllText(path).Split('\n');
        var index = lines[line - 1].IndexOf(from, StringComparison.Ordinal);
        Assert.True(index >= 0, $"line {line} has no '{from}': {lines[line - 1]}");
        lines[line - 1] = lines[line - 1][..index] + to + lines[line - 1][(index + from.Length)..];
        var before = File.ReadAllBytes(path);
        File.WriteAllText(path, string.Join('\n', lines), new UTF8Encoding(false));
        var after = File.ReadAllBytes(path);
        Assert.Equal(before.Length, after.Length);
        Assert.Equal(1, before.Zip(after).Count(p => p.First != p.Second));
    }
}
