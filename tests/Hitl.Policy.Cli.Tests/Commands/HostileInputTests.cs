using System.Text.Json;
using Hitl.Policy.Audit;
using Hitl.Policy.Cli.Output;
using Hitl.Policy.Cli.Tests.Audit;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Cli.Tests.Commands;

/// <summary>
/// Issue 10, item 7 (CLI half): an endless input line, a crash inside a command and terminal control characters in
/// case data. Before: OutOfMemoryException after 4-8 GB, exit 1 for a crash, raw ESC sequences in table output.
/// </summary>
public class HostileInputTests
{
    private const string Esc = "\u001b";

    [Fact]
    public void An_endless_line_on_standard_input_stops_with_an_error_naming_the_line_in_bounded_memory()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = Run(new EndlessReader(), maxLine: 64 * 1024, "route", "--policy", Cli.Operations, "--cases", "-");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
        Assert.Contains("error: standard input line 1 is longer than 65536 characters", result.Error, StringComparison.Ordinal);
        Assert.True(allocated < 16 * 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_long_line_in_a_cases_file_names_the_file_and_the_line_after_routing_the_lines_before()
    {
        using var folder = new TempFolder();
        var good = File.ReadLines(Cli.Data("operations.cases.jsonl")).First();
        var path = folder.Write("cases.jsonl", good + "\n" + good + "\n{\"action\":\"" + new string('a', 5000) + "\"}\n" + good + "\n");

        var result = Run(new StringReader(""), maxLine: 4096, "route", "--policy", Cli.Operations, "--cases", path);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"error: {path} line 3 is longer than 4096 characters", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, result.OutLines.Length);

        var shadow = Run(new StringReader(""), maxLine: 4096, "shadow", "--active", Cli.Operations, "--candidate", Cli.Operations, "--cases", path);
        Assert.Equal(ExitCodes.Usage, shadow.Exit);
        Assert.Contains($"{path} line 3 is longer than 4096 characters", shadow.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_case_for_explain_is_refused_from_standard_input_and_from_a_file()
    {
        var stdin = Run(new EndlessReader(), maxLine: 4096, "explain", "--policy", Cli.Operations, "--case", "-");
        Assert.Equal(ExitCodes.Usage, stdin.Exit);
        Assert.Contains("longer than 4096 characters", stdin.Error, StringComparison.Ordinal);

        using var folder = new TempFolder();
        var path = folder.Write("case.json", "{\"action\":\"" + new string('a', 5000) + "\"}");
        var file = Run(new StringReader(""), maxLine: 4096, "explain", "--policy", Cli.Operations, "--case", "@" + path);
        Assert.Equal(ExitCodes.Usage, file.Exit);
        Assert.Contains($"'{path}' is larger than 4096 bytes", file.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_crash_inside_a_command_exits_3_never_1()
    {
        var result = Run(new ThrowingReader(), maxLine: CommandIo.DefaultMaxLineLength, "route", "--policy", Cli.Operations, "--cases", "-");

        Assert.True(result.Exit == ExitCodes.InternalError, result.ToString());
        Assert.Equal(3, ExitCodes.InternalError);
        Assert.Contains("internal error: hitl failed unexpectedly: the disk went away. This is not a verdict on the input; please report it, with the output of the same command run with HITL_DEBUG=1.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);

        var help = Cli.Run("--help");
        Assert.Contains("3 the tool itself failed", help.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_and_bidi_overrides_in_case_data_are_escaped_in_the_route_table()
    {
        var good = JsonDocument.Parse(File.ReadLines(Cli.Data("operations.cases.jsonl")).First()).RootElement;
        var hostile = new Dictionary<string, object?>();
        foreach (var property in good.EnumerateObject())
        {
            hostile[property.Name] = property.Value;
        }

        hostile["requestId"] = $"r{Esc}[2J{Esc}]0;pwned\u0007\u202Egnp.exe\r\n\u009b31m";
        var line = JsonSerializer.Serialize(hostile);

        var table = Cli.RunWithInput(line + "\n", "route", "--policy", Cli.Operations, "--cases", "-", "--format", "table");
        Assert.True(table.Exit == ExitCodes.Ok, table.ToString());
        AssertNoRawControls(table.Out + table.Error);
        Assert.Contains(@"r\u001B[2J\u001B]0;pwned\u0007\u202Egnp.exe\u000D\u000A\u009B31m", table.Out, StringComparison.Ordinal);

        // JSON stays JSON: the escapes are JSON escapes, so the value reads back unchanged.
        var json = Cli.RunWithInput(line + "\n", "route", "--policy", Cli.Operations, "--cases", "-");
        AssertNoRawControls(json.Out + json.Error);
        Assert.Equal(hostile["requestId"], JsonDocument.Parse(json.OutLines[0]).RootElement.GetProperty("requestId").GetString());
    }

    [Fact]
    public void An_error_message_that_quotes_case_data_is_escaped_too()
    {
        var result = Cli.RunWithInput($"{{\"action\":\"x{Esc}[31m\",\"confidence\":\"{Esc}[5mhigh\"}}\n", "route", "--policy", Cli.Operations, "--cases", "-", "--format", "table");
        AssertNoRawControls(result.Out + result.Error);
    }

    [Fact]
    public void Action_types_from_the_trail_are_escaped_in_the_stats_tables()
    {
        using var folder = new TempFolder();
        var path = new Trail()
            .Decided("c1", $"loan{Esc}[31m.approve\u202E", RouteLevel.Review, 0.9, "agent")
            .Act(ActKind.Approved, "c1", TimeSpan.FromMinutes(5), $"ana{Esc}[0m")
            .WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var result = Cli.Run("audit", "stats", path);

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        AssertNoRawControls(result.Out);
        Assert.Contains(@"loan\u001B[31m.approve\u202E", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_safe_writer_keeps_line_ends_and_escapes_a_lone_carriage_return()
    {
        using var inner = new StringWriter();
        using (var safe = new TerminalSafeWriter(inner))
        {
            safe.Write("a\r\nb\rc\n");
            safe.Write("tab\there\u0085");
            safe.Write('\r');
        }

        Assert.Equal("a\r\nb\\u000Dc\ntab\there\\u0085\\u000D", inner.ToString());
    }

    internal static void AssertNoRawControls(string text)
    {
        var bad = text.Where(c => TerminalText.IsUnsafe(c, inCell: false) && c != '\r').Select(c => ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();
        Assert.True(bad.Count == 0, "raw characters reached the output: " + string.Join(", ", bad));
    }

    private static Cli.Result Run(TextReader input, int maxLine, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = HitlApp.Run(args, new CommandIo(output, error, input) { MaxLineLength = maxLine });
        return new Cli.Result(exit, output.ToString(), error.ToString());
    }

    /// <summary>Standard input that never ends and never has a line end; made as it is read.</summary>
    private sealed class EndlessReader : TextReader
    {
        public override int Read(char[] buffer, int index, int count)
        {
            buffer.AsSpan(index, count).Fill('x');
            return count;
        }

        public override int Peek() => 'x';

        public override int Read() => 'x';
    }

    private sealed class ThrowingReader : TextReader
    {
        public override int Read(char[] buffer, int index, int count) => throw new InvalidOperationException("the disk went away");

        public override int Read() => throw new InvalidOperationException("the disk went away");

        public override string ReadLine() => throw new InvalidOperationException("the disk went away");
    }
}

/// <summary>
/// <c>hitl audit stats</c> streams the trail; its figures must be those <see cref="ObservedCases"/> gives from the
/// records held in memory, on trails with corrections, cases without decisions and acts in any order.
/// </summary>
public class AuditStatsStreamingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_streamed_figures_equal_those_of_the_observed_cases(int seed)
    {
        var random = new Random(seed);
        var records = new List<AuditRecord>();
        var previous = AuditChain.GenesisHash;
        var acts = new[] { ActKind.Approved, ActKind.Edited, ActKind.Rejected, ActKind.Escalated, ActKind.TimedOut, ActKind.Overridden, ActKind.Reversed, ActKind.Contested, ActKind.AuditPassed, ActKind.AuditFailed, ActKind.Executed, ActKind.KillSwitchEngaged };
        for (var i = 1; i <= 3000; i++)
        {
            var caseId = "c" + random.Next(400);
            var at = Trail.Start.AddMinutes(random.Next(100_000));
            var entry = random.Next(10) switch
            {
                < 3 => new AuditEntry { Act = ActKind.Decided, CaseId = caseId, At = at, ActionType = "a" + random.Next(4), Route = (RouteLevel)random.Next(5) },
                3 when i > 10 => new AuditEntry { Act = ActKind.Corrected, CaseId = caseId, At = at, Supersedes = random.Next(1, i - 1) },
                4 => new AuditEntry { Act = ActKind.Decided, CaseId = caseId, At = at },
                _ => new AuditEntry { Act = acts[random.Next(acts.Length)], CaseId = caseId, At = at, ActionType = random.Next(5) == 0 ? "late" : null },
            };
            var hash = AuditChain.ComputeHash(i, previous, entry);
            records.Add(new AuditRecord(i, entry, previous, hash));
            previous = hash;
        }

        var verification = new AuditVerification(true, records.Count, null, null, null, false);
        var streamed = Stats.AuditStats.Build("t", verification, records);
        var observed = ObservedCases.Collect(records);

        Assert.Equal(observed.RecordCount, streamed.Totals.RecordCount);
        Assert.Equal(observed.Cases.Count, streamed.Totals.Cases);
        Assert.Equal(observed.CasesWithoutDecision, streamed.Totals.CasesWithoutDecision);
        Assert.Equal(observed.SupersededRecords, streamed.Totals.SupersededRecords);
        foreach (var group in observed.Cases.GroupBy(c => c.ActionType).Append(observed.Cases.GroupBy(_ => "all").Single()))
        {
            var stats = group.Key == "all" ? streamed.All : streamed.Actions.Single(a => a.ActionType == group.Key);
            Assert.Equal(group.Count(), stats.Decisions);
            Assert.Equal(group.Count(c => c.WasEscalated), stats.Escalated);
            for (var r = 0; r < 5; r++)
            {
                Assert.Equal(group.Count(c => (int)c.Route == r), stats.Routes[r]);
            }

            for (var o = 0; o < Stats.ActionStats.OutcomeActs.Length; o++)
            {
                Assert.Equal(group.Count(c => c.Acts.Any(a => a.Kind == Stats.ActionStats.OutcomeActs[o].Act)), stats.Outcomes[o]);
            }

            var answers = group.Where(c => c.Acts.Any(a => a.IsReview)).Select(c => c.Acts.First(a => a.IsReview).At - c.DecidedAt).Order().ToList();
            Assert.Equal(answers.Count, stats.Answered);
        }
    }
}

/// <summary>Escaping is idempotent, so text escaped once and passed through a table or the safe writer stays the same.</summary>
public class TerminalTextTests
{
    [Theory]
    [InlineData("plain text — 😀")]
    [InlineData("a\u001b[31mb\u202Ec\u0085d\te\nf")]
    public void Escaping_twice_changes_nothing_more(string text)
    {
        var once = TerminalText.Cell(text);
        Assert.Equal(once, TerminalText.Cell(once));
        Assert.All(once, c => Assert.False(TerminalText.IsUnsafe(c, inCell: true)));
    }
}
