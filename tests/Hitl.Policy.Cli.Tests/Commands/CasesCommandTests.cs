using System.Text.Json;
using Hitl.Policy.Cli.Tests.Store;

namespace Hitl.Policy.Cli.Tests.Commands;

/// <summary><c>hitl cases list|show|export</c> on a store a real gate wrote (see <see cref="StoreFile"/>).</summary>
public sealed class CasesCommandTests : IClassFixture<CasesCommandTests.Written>
{
    private readonly string _db;

    public CasesCommandTests(Written written)
    {
        _db = written.Path;
    }

    /// <summary>One store for the class: the commands only read it.</summary>
    public sealed class Written : IDisposable
    {
        private readonly TempFolder _folder = new();

        public Written()
        {
            Path = StoreFile.WriteAsync(System.IO.Path.Combine(_folder.Path, "hitl.db")).GetAwaiter().GetResult().Path;
        }

        public string Path { get; }

        public void Dispose() => _folder.Dispose();
    }

    private static JsonElement Json(Cli.Result result)
    {
        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        return JsonDocument.Parse(result.Out).RootElement.Clone();
    }

    private static string[] Ids(JsonElement list) => [.. list.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("id").GetString()!)];

    private static string[] Sorted(IEnumerable<string> ids) => [.. ids.Order(StringComparer.Ordinal)];

    // ---- list

    [Fact]
    public void List_shows_the_open_cases_by_default_nearest_deadline_first()
    {
        var list = Json(Cli.RunAt(StoreFile.Now, "cases", "list", _db, "--format", "json"));

        Assert.Equal(Sorted(["c-escalated", "c-pending", "c-hostile", "c-large"]), Sorted(Ids(list)));
        var deadlines = list.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("deadlineAt").GetDateTimeOffset()).ToList();
        Assert.Equal(deadlines.Order(), deadlines);
        Assert.Equal(JsonValueKind.Null, list.GetProperty("next").ValueKind);

        var large = list.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "c-large");
        Assert.Equal("pending", large.GetProperty("state").GetString());
        Assert.Equal("senior", large.GetProperty("requiredTier").GetString());
        Assert.Equal(1, large.GetProperty("approvals").GetInt32());
        Assert.Equal(2, large.GetProperty("requiredApprovals").GetInt32());
        Assert.Equal("dana", large.GetProperty("subject").GetString());
        Assert.Equal(StoreFile.OpenedAt("c-large"), large.GetProperty("openedAt").GetDateTimeOffset());
        var left = large.GetProperty("deadlineAt").GetDateTimeOffset() - StoreFile.Now;
        Assert.Equal(left.TotalSeconds, large.GetProperty("secondsLeft").GetDouble(), 3);
    }

    [Theory]
    [InlineData(new[] { "--state", "approved", "rejected" }, new[] { "c-approved", "c-rejected" })]
    [InlineData(new[] { "--state", "auto-executed" }, new[] { "c-auto" })]
    [InlineData(new[] { "--state", "all", "--subject", "carl" }, new[] { "c-approved", "c-escalated", "c-auto" })]
    [InlineData(new[] { "--subject", "erin" }, new[] { "c-pending", "c-hostile" })]
    [InlineData(new[] { "--tier", "senior" }, new[] { "c-escalated", "c-large" })]
    [InlineData(new[] { "--state", "all", "--action", "refund.issue", "--from", "2026-11-23T09:10:00Z", "--to", "2026-11-23T09:40:00Z" }, new[] { "c-rejected", "c-escalated", "c-pending" })]
    [InlineData(new[] { "--state", "all", "--action", "email.send" }, new string[0])]
    [InlineData(new[] { "--due-by", "2026-11-23T10:35:00Z" }, new[] { "c-escalated", "c-pending" })]
    [InlineData(new[] { "--due-by", "2026-11-23T10:25:00Z" }, new[] { "c-escalated" })]
    public void List_filters_by_state_subject_tier_action_and_time(string[] filters, string[] expected)
    {
        var list = Json(Cli.RunAt(StoreFile.Now, ["cases", "list", _db, "--format", "json", .. filters]));

        Assert.Equal(Sorted(expected), Sorted(Ids(list)));
    }

    [Theory]
    [InlineData("opened")]
    [InlineData("deadline")]
    public void The_next_cursor_walks_every_case_once_in_order(string order)
    {
        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            string[] args = ["cases", "list", _db, "--state", "all", "--order", order, "--limit", "2", "--format", "json"];
            var page = Json(Cli.Run(after is null ? args : [.. args, "--after", after]));
            var ids = Ids(page);
            Assert.InRange(ids.Length, 1, 2);
            seen.AddRange(ids);
            after = page.GetProperty("next").GetString();
            pages++;
        }
        while (after is not null);

        Assert.Equal(4, pages);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(Sorted(StoreFile.Ids), Sorted(seen));
        if (order == "opened")
        {
            Assert.Equal(StoreFile.Ids, seen);
        }
    }

    [Fact]
    public void The_table_shows_approvals_time_left_and_escaped_summaries_with_counts_per_state()
    {
        var result = Cli.RunAt(StoreFile.Now, "cases", "list", _db);

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        var lines = result.Out.Split('\n');
        Assert.StartsWith("ID ", lines[0], StringComparison.Ordinal);
        foreach (var header in new[] { "STATE", "ACTION", "TIER", "APPROVALS", "OPENED", "DEADLINE", "LEFT", "SUMMARY" })
        {
            Assert.Contains(header, lines[0], StringComparison.Ordinal);
        }

        var pending = lines.Single(l => l.StartsWith("c-pending ", StringComparison.Ordinal));
        Assert.Contains("0/1", pending, StringComparison.Ordinal);
        Assert.Contains("2026-11-23 09:30:00Z", pending, StringComparison.Ordinal);
        Assert.Contains("2026-11-23 10:30:00Z  20m 00s", pending, StringComparison.Ordinal);
        Assert.Contains("1/2", lines.Single(l => l.StartsWith("c-large ", StringComparison.Ordinal)), StringComparison.Ordinal);

        // The hostile summary stays on its row, its escape sequences and line break shown, not obeyed.
        var hostile = lines.Single(l => l.StartsWith("c-hostile ", StringComparison.Ordinal));
        Assert.Contains("summary \\u001B]0;pwned\\u0007 with\\u000Anewline", hostile, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', result.Out);
        Assert.DoesNotContain('\u0007', result.Out);
        Assert.Contains("4 cases (4 pending); times in UTC, time left from 2026-11-23 10:10:00Z.", result.Out, StringComparison.Ordinal);

        var later = Cli.RunAt(StoreFile.Now + TimeSpan.FromHours(1), "cases", "list", _db);
        Assert.Contains("overdue 40m 00s", later.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_says_where_the_next_page_starts()
    {
        var result = Cli.Run("cases", "list", _db, "--limit", "1", "--order", "opened");

        var next = Json(Cli.Run("cases", "list", _db, "--limit", "1", "--order", "opened", "--format", "json")).GetProperty("next").GetString();
        Assert.Contains("More cases: add --after " + next, result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--after", "nonsense" }, "--after: CaseQuery.After: 'nonsense' is not a cursor of a query ordered by Deadline")]
    [InlineData(new[] { "--from", "yesterday" }, "--from: 'yesterday' is not an ISO 8601 time")]
    [InlineData(new[] { "--limit", "0" }, "--limit must be 1 to 1000; got 0.")]
    [InlineData(new[] { "--from", "2026-11-24", "--to", "2026-11-23" }, "--to must be later than --from")]
    public void Bad_list_options_are_usage_errors_that_say_why(string[] options, string expected)
    {
        var result = Cli.Run(["cases", "list", _db, .. options]);

        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cursor_of_one_order_is_refused_for_the_other()
    {
        var next = Json(Cli.Run("cases", "list", _db, "--state", "all", "--limit", "1", "--order", "opened", "--format", "json")).GetProperty("next").GetString()!;

        var result = Cli.Run("cases", "list", _db, "--state", "all", "--after", next);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("is not a cursor of a query ordered by Deadline", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Listing_a_file_that_is_not_SQLite_says_so()
    {
        using var folder = new TempFolder();
        var text = folder.Write("cases.db", "{\"not\": \"sqlite\"}\n");

        var result = Cli.Run("cases", "list", text);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"The case store '{text}' is not a SQLite file", result.Error, StringComparison.Ordinal);
    }

    // ---- show

    [Fact]
    public void Show_gives_the_details_and_the_history_in_order()
    {
        var result = Cli.RunAt(StoreFile.Now, "cases", "show", _db, "c-escalated");

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        var lines = result.Out.Split('\n');
        string Field(string name) => lines.Single(l => l.StartsWith(name + "  ", StringComparison.Ordinal))[name.Length..].Trim();
        Assert.Equal("c-escalated (version 2, round 1)", Field("Case"));
        Assert.StartsWith("pending (open)", Field("State"), StringComparison.Ordinal);
        Assert.Equal("refund.issue", Field("Action"));
        Assert.Equal("senior (tiers: agent, senior, director)", Field("Tier"));
        Assert.Equal("0/1", Field("Approvals"));
        Assert.Equal("rita", Field("Requester"));
        Assert.Equal("carl", Field("Subject"));
        Assert.Equal("refund-model 2026-11", Field("Model"));
        Assert.Equal("0.9", Field("Confidence"));
        Assert.StartsWith("refunds 1", Field("Policy"), StringComparison.Ordinal);
        Assert.Equal("2026-11-23 09:20:00Z", Field("Opened"));
        Assert.Equal("2026-11-23 10:21:00Z (11m 00s, then escalate)", Field("Deadline"));
        Assert.Equal("-", Field("Closed"));
        Assert.Contains("Escalated", Field("Ticket"), StringComparison.Ordinal);

        var history = lines.SkipWhile(l => !l.StartsWith("History (2 audit records, in order)", StringComparison.Ordinal)).Skip(1).Where(l => l.Length > 0).ToList();
        Assert.StartsWith("SEQ", history[0], StringComparison.Ordinal);
        Assert.Contains("decided", history[1], StringComparison.Ordinal);
        Assert.Contains("2026-11-23 09:20:00Z", history[1], StringComparison.Ordinal);
        Assert.Contains("escalated", history[2], StringComparison.Ordinal);
        Assert.Contains("ann", history[2], StringComparison.Ordinal);
        Assert.Contains("unsure", history[2], StringComparison.Ordinal);
        Assert.Contains("Needs a senior look.", history[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Show_as_json_gives_the_stored_case_and_its_records_in_sequence_order()
    {
        var json = Json(Cli.Run("cases", "show", _db, "c-approved", "--format", "json"));

        var record = json.GetProperty("case");
        Assert.Equal("c-approved", record.GetProperty("id").GetString());
        Assert.Equal("approved", record.GetProperty("state").GetString());
        Assert.Equal(["ann"], record.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()));
        var history = json.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["decided", "approved"], history.Select(h => h.GetProperty("entry").GetProperty("act").GetString()));
        var sequences = history.Select(h => h.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.All(history, h => Assert.Equal("c-approved", h.GetProperty("entry").GetProperty("caseId").GetString()));
        Assert.Equal("Parcel photo shows the damage.", history[1].GetProperty("entry").GetProperty("reason").GetString());
    }

    [Fact]
    public void A_hostile_payload_is_escaped_and_cut_short_in_the_table_and_whole_in_json()
    {
        var table = Cli.Run("cases", "show", _db, "c-hostile");

        Assert.True(table.Exit == ExitCodes.Ok, table.ToString());
        Assert.DoesNotContain('\u001b', table.Out);
        Assert.DoesNotContain('\u202e', table.Out);
        var payload = table.Out.Split('\n').Single(l => l.StartsWith("Payload ", StringComparison.Ordinal));
        Assert.Contains("refund \\u001B[31mEVIL\\u001B[0m\\u000Asecond line \\u202Egnp.exe", payload, StringComparison.Ordinal);
        Assert.Contains($"[truncated: 400 of {StoreFile.Hostile.Length + 1000} characters shown; --format json shows it in full]", payload, StringComparison.Ordinal);

        var json = Json(Cli.Run("cases", "show", _db, "c-hostile", "--format", "json"));
        Assert.Equal(StoreFile.Hostile + new string('x', 1000), json.GetProperty("case").GetProperty("payload").GetString());
    }

    [Fact]
    public void A_missing_case_is_an_error_naming_the_id_and_the_file()
    {
        var result = Cli.Run("cases", "show", _db, "no-such-case");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"There is no case 'no-such-case' in the case store '{_db}'", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    // ---- export

    private static List<JsonElement> Lines(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    [Fact]
    public void Export_by_subject_writes_exactly_that_subjects_cases_with_their_records()
    {
        var result = Cli.Run("cases", "export", _db, "--subject", "carl");

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        var lines = Lines(result.Out);
        Assert.Equal(["c-approved", "c-escalated", "c-auto"], lines.Select(l => l.GetProperty("case").GetProperty("id").GetString()));
        Assert.All(lines, l => Assert.Equal("carl", l.GetProperty("case").GetProperty("subject").GetString()));
        Assert.Equal(["decided", "approved"], lines[0].GetProperty("records").EnumerateArray().Select(r => r.GetProperty("entry").GetProperty("act").GetString()));
        Assert.Equal(["decided", "escalated"], lines[1].GetProperty("records").EnumerateArray().Select(r => r.GetProperty("entry").GetProperty("act").GetString()));
        foreach (var line in lines)
        {
            var id = line.GetProperty("case").GetProperty("id").GetString();
            var records = line.GetProperty("records").EnumerateArray().ToList();
            Assert.NotEmpty(records);
            Assert.All(records, r => Assert.Equal(id, r.GetProperty("entry").GetProperty("caseId").GetString()));
            Assert.All(records, r => Assert.Equal(64, r.GetProperty("hash").GetString()!.Length));
        }

        var count = lines.Sum(l => l.GetProperty("records").GetArrayLength());
        Assert.Contains($"Exported 3 cases with {count} audit records from '{_db}' to standard output.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_exported_records_are_the_trails_own_lines()
    {
        using var folder = new TempFolder();
        var trail = Path.Combine(folder.Path, "audit.jsonl");
        Assert.Equal(ExitCodes.Ok, Cli.Run("audit", "export", _db, "--out", trail).Exit);
        var trailLines = File.ReadAllLines(trail)
            .Select(l => (Line: l, Json: JsonDocument.Parse(l).RootElement.Clone()))
            .Where(l => StoreFile.Ids.Contains(l.Json.GetProperty("entry").GetProperty("caseId").GetString()))
            .ToDictionary(l => l.Json.GetProperty("sequence").GetInt64(), l => l.Line);

        var export = Lines(Cli.Run("cases", "export", _db, "--all").Out);

        Assert.Equal(StoreFile.Ids, export.Select(l => l.GetProperty("case").GetProperty("id").GetString()));
        var records = export.SelectMany(l => l.GetProperty("records").EnumerateArray()).ToList();
        Assert.Equal(trailLines.Count, records.Count);
        Assert.Equal(trailLines.Keys.Order(), records.Select(r => r.GetProperty("sequence").GetInt64()).Order());
        Assert.All(records, r => Assert.Equal(trailLines[r.GetProperty("sequence").GetInt64()], r.GetRawText()));
    }

    [Theory]
    [InlineData("2026-11-23T09:10:00Z", "2026-11-23T09:40:00Z", new[] { "c-rejected", "c-escalated", "c-pending" })]
    [InlineData("2026-11-23T09:45:00Z", "2026-11-24", new[] { "c-large", "c-auto" })]
    [InlineData("2026-11-22", "2026-11-23T09:00:00Z", new string[0])]
    public void Export_by_time_range_writes_the_cases_opened_in_it(string from, string to, string[] expected)
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "export.jsonl");

        var result = Cli.Run("cases", "export", _db, "--from", from, "--to", to, "--out", file);

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.Equal("", result.Out);
        Assert.Equal(expected, Lines(File.ReadAllText(file)).Select(l => l.GetProperty("case").GetProperty("id").GetString()));
        Assert.Contains($"Exported {PolicyFile(expected.Length)} with", result.Error, StringComparison.Ordinal);
        Assert.Contains($"to '{file}'", result.Error, StringComparison.Ordinal);
    }

    private static string PolicyFile(int cases) => cases == 1 ? "1 case" : cases + " cases";

    [Fact]
    public void Export_keeps_the_hostile_payload_whole_and_escaped_as_JSON()
    {
        var result = Cli.Run("cases", "export", _db, "--subject", "erin");

        Assert.DoesNotContain('\u001b', result.Out);
        Assert.Equal(2, result.OutLines.Length);
        var hostile = Lines(result.Out).Single(l => l.GetProperty("case").GetProperty("id").GetString() == "c-hostile");
        Assert.Equal(StoreFile.Hostile + new string('x', 1000), hostile.GetProperty("case").GetProperty("payload").GetString());
    }

    [Fact]
    public void Export_never_overwrites_a_file()
    {
        using var folder = new TempFolder();
        var existing = folder.Write("export.jsonl", "keep me");

        var result = Cli.Run("cases", "export", _db, "--all", "--out", existing);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"The export file '{existing}' exists already; --out never overwrites a file.", result.Error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(existing));
    }

    [Theory]
    [InlineData(new string[0], "Say which cases to export")]
    [InlineData(new[] { "--all", "--subject", "carl" }, "--all exports every case")]
    [InlineData(new[] { "--from", "2026-11-23T10:00:00Z", "--to", "2026-11-23T09:00:00Z" }, "--to must be later than --from")]
    [InlineData(new[] { "--from", "23/11/2026" }, "--from: '23/11/2026' is not an ISO 8601 time")]
    public void Export_needs_one_clear_selection(string[] options, string expected)
    {
        var result = Cli.Run(["cases", "export", _db, .. options]);

        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void The_help_of_each_case_command_documents_its_format_and_exit_codes()
    {
        var export = Cli.Run("cases", "export", "--help");
        Assert.Contains("{\"case\": {...the case record as the store keeps it...}, \"records\": [{...audit record...}, ...]}", export.Out, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 exported; never 1; 2", export.Out, StringComparison.Ordinal);

        var auditExport = Cli.Run("audit", "export", "--help");
        Assert.Contains("line for line as JsonLinesAuditStore would have written it", auditExport.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("one case per line", auditExport.Out, StringComparison.Ordinal);

        Assert.Contains("--state all lists every state", Cli.Run("cases", "list", "--help").Out, StringComparison.Ordinal);
        Assert.Contains("cases", Cli.Run("--help").Out, StringComparison.Ordinal);
    }
}
