namespace Hitl.Policy.Cli.Commands;

/// <summary>The longer help texts, kept together so the commands read the same way.</summary>
internal static class HelpText
{
    public const string Case = """
        A case is one JSON object: the standard signals at the top level, the host fields the policy declares under "fields":
          {"action": "refund.issue", "requestId": "r-1", "confidence": 0.97, "risk": 0.1, "evidence": 0.9,
           "amount": 120, "category": "retail", "reversibility": "reversible", "sensitive": false, "vulnerable": false,
           "fields": {"customer.isNew": false}}
        reversibility is reversible, costly-to-reverse or irreversible. A signal left out is not given, and the policy
        fails closed on it (a missing number is invalid, a missing reversibility counts as irreversible).
        An optional "caseId" names the case in the audit trail; 'hitl shadow --audit' joins on it (on requestId without it).
        """;

    /// <summary>The test file format, with every expect key and the flag names (from the decision's flags).</summary>
    public static string Tests { get; } = """
        A test file is a JSON object with a "tests" array; each test has a name, a case (as for 'hitl route') and what
        to expect, and may engage the kill switch:
          {"tests": [{"name": "a large refund needs two seniors",
                      "case": {"action": "refund.issue", "confidence": 0.97, "amount": 8000, ...},
                      "expect": {"route": "review", "tier": "senior", "approvals": 2}}]}
        expect keys (a route is required, the others are checked only when given):
          route         exactly this route
          routeAtLeast  this route or a stricter one (auto-execute < auto-execute-with-notice < review < escalate < block)
          tier          the reviewer tier; null means no tier
          approvals     the approvals required
          decidedBy     the id of the rule that decided
          fired         rule ids that must have fired (others may have too)
          flags         flags that must be set (others may be too)
          flagsExactly  the whole set of flags, in any order; [] means no flag at all
        """ + Environment.NewLine + Wrap("The flags (of the decision, as route and explain print them): " + string.Join(", ", Output.DecisionText.FlagNames) + ".") + Environment.NewLine + """
        "killSwitch": true routes the case with the global kill switch on; {"actions": ["refund.issue"]} with the
        switch of those action types on (the shape of the policy's own killSwitch). Off when left out.
        Numbers in a case may be "NaN", "Infinity" or "-Infinity" (JSON strings) to test the fail-closed path.
        See docs/cli.md for the whole format.
        """;

    public const string AuditTrail = """
        An audit trail is the JSON Lines file JsonLinesAuditStore writes (one hash-chained record per line), or the SQLite
        file of a SqliteCaseStore, which keeps the same records beside its cases. The kind is told by the file's content
        (the SQLite header), not its name. Either is read without taking a lock, so a trail a running host writes can be
        checked beside it. Figures count only the intact records: those before the first broken or torn one. A SQLite
        trail has no lines: a break is named by the record's sequence.
        """;

    public const string AuditExport = """
        The trail of a SQLite case store is written line for line as JsonLinesAuditStore would have written it, so the
        export verifies like the store (a keyed trail with the same --key-file) and counts the same.
        Example: hitl audit export hitl.db --out audit.jsonl && hitl audit verify audit.jsonl --key-file keys.json
        """;

    public const string AuditRepair = """
        A torn tail is a last line cut off by a crash: 'hitl audit verify' reports it, and a host refuses to append to the
        trail until it is repaired. The repair keeps the torn bytes in a file beside the trail (AUDIT.jsonl.torn-OFFSET),
        cuts them off, and appends a correction record (case "audit-trail", reason code "torn-tail-repaired") that names
        the auditor, in the role "auditor", the reason, and the torn bytes' line, length and SHA-256. The CLI has no
        reviewer directory: the id given is recorded as it is; who may repair is who may write the file. Stop the host
        first: the trail is locked while a store has it open. A trail broken in another way is not changed.
        Example: hitl audit repair audit.jsonl --auditor ops-ana --reason "power loss during deploy"
        """;

    public const string CaseStore = """
        A case store is the SQLite file of a SqliteCaseStore: the review cases and their audit trail. The 'hitl cases'
        commands open it read-only, beside a running host. Case data (ids, summaries, payloads, reasons) is printed with
        control characters and bidi overrides escaped as \uXXXX. Times are ISO 8601; without an offset they are UTC.
        """;

    public const string CasesList = """
        Without --state the open cases are listed (pending and held); --state all lists every state. The table shows
        approvals as have/needed and the time left before each open case's deadline; the JSON is
        {"cases": [...], "next": CURSOR or null}. Give the cursor to --after, with the same filters and --order, for the
        next page: a walk of the pages never repeats or skips a case that did not change.
        Example: hitl cases list hitl.db --tier senior --due-by 2026-11-23T18:00:00Z
        """;

    public const string CasesShow = """
        The details of one case and its history: the audit records of the case, in order. The payload is the model's
        output: a table shows it escaped and cut short (and says so); --format json gives the case record as the store
        keeps it, payload in full, and the audit records as stored.
        Example: hitl cases show hitl.db c-1f3a --format json
        """;

    public const string CasesExport = """
        The export is JSON Lines, one case per line, oldest opened first:
          {"case": {...the case record as the store keeps it...}, "records": [{...audit record...}, ...]}
        "records" are the case's audit records exactly as the trail stores them ({"sequence", "previousHash", ["keyId"],
        "hash", "entry"}), in sequence order. Select the cases with --subject, with a time range on when they were opened
        (--from inclusive, --to exclusive; either may be given alone, and with --subject), or --all. The export is not
        chained itself: 'hitl audit verify STORE.db' checks the trail it comes from.
        Example: hitl cases export hitl.db --subject customer-42 --out customer-42.jsonl
        """;

    public const string VerifyKeys = """
        A keyed trail (records with a "keyId") is checked with its keys: --key-file KEYS.json holds
        {"keys": [{"id": "k1", "secret": "<base64>"}]}; without keys only the links of keyed records are checked, and
        the output says so. No chain shows records cut off the end: --checkpoint CHECKPOINT.json (from
        'hitl audit checkpoint', JsonLinesAuditStore.CreateCheckpoint or SqliteCaseStore.CreateCheckpoint, kept
        elsewhere) does, and a trail rewritten up to it.
        """;

    public const string Stats = """
        Review outcomes count the cases with at least one act of each kind. Review time runs from the decision to the
        first reviewer answer (approve, edit, reject or escalate); time-outs and later acts (override, reverse, contest,
        audits) are not answers. The escalation rate counts cases decided as escalate or escalated by a reviewer.
        """;

    public const string Calibrate = """
        Agreement: a judged case agrees when a reviewer approved it unchanged or a sampled audit passed it; edits,
        rejections, failed audits, overrides and reversals disagree. A threshold is recommended when the one-sided lower
        bound of the agreement at or above it meets --target with --confidence, on at least --min-sample judged cases.
        --propose writes the policy with the moved thresholds (a new version) and prints the diff; nothing is applied.
        Example: hitl calibrate --audit audit.jsonl --policy operations.json --target 0.99 --propose proposed.json
        """;

    public const string Shadow = """
        Cases are read as for 'hitl route'; both policies' host fields may be given. A case differs when the candidate's
        route is looser or stricter, or the route is the same with another reviewer tier. With --audit each differing
        case shows what reviewers concluded (agreed, edited, rejected, ...), joined on its caseId, or its requestId.
        With --records, instead of replaying, reports what a live shadow (AddShadowPolicy) recorded: one JSON object per
        sampled differing decision, joined with --audit on its requestId; --records and the replay options exclude each other.
        """;

    /// <summary>What <c>hitl oversight</c> reports and when it flags.</summary>
    public static readonly string Oversight = Wrap(
        "Reports, over the trail's decided cases: per reviewer and per rule the agreement and override rates and review times; " +
        "rubber-stamp reviewers (far faster than their peers, almost never editing or rejecting); override rates that drift upwards " +
        "(Cochran-Armitage trend test); the auto path's error rate per action type from its audit sample; and, per action type and " +
        "segment (the groups recorded on the decisions, GateRequest.Segments or SegmentBy), the rates of auto-execute, review, " +
        "approval, edit, rejection, override and reversal with intervals, and disparity tests between segments (the four-fifths " +
        "ratio and a two-proportion or Fisher exact test, Holm-corrected), the automated route and the reviewers' answers apart.");

    /// <summary>What exit code 3 means, the same for every command.</summary>
    public const string InternalError = "3 the tool itself failed (an unexpected error; not a verdict on the input)";

    public static readonly string ExitCodes = "Exit codes: 0 all good; 1 the check failed (policy errors, a case line that could not be read, a failing test, a broken or torn audit trail, an action type that must tighten, a candidate policy that decides differently); 2 the command could not run (unknown option, missing file, unreadable input, an input line longer than 4 MiB, a policy that does not compile); " + InternalError + ".";

    public const string Escaping = @"Case data is printed with control characters and bidi overrides escaped as \uXXXX.";

    private const string CasesUsage = "2 the command could not run (missing file, not a SQLite case store, a case store of a newer schema, no such case, a bad time or cursor, --out names an existing file, unknown option)";

    /// <summary>
    /// Each command's exit codes, one line each, by the command as typed after <c>hitl</c>: every command states 0, 2 and
    /// 3, and 1 when it can return it (a command that only reports, such as explain, never does). docs/cli.md repeats
    /// these lines word for word.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Exits { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["validate"] = Line("0 the policy is valid", "1 it is not (every error is listed with its path, line and column)", "2 the command could not run (the file is missing or unreadable, unknown option)"),
        ["route"] = Line("0 every case line was routed", "1 at least one line could not be read (named on standard error; the run goes on)", "2 the command could not run (missing file, a policy that is not valid JSON or does not compile, an input line longer than 4 MiB, unknown option)"),
        ["explain"] = Line("0 the case was explained", "never 1 (explain reports, it checks nothing)", "2 the command could not run (missing file, a policy that is not valid JSON or does not compile, a case that cannot be read, unknown option)"),
        ["test"] = Line("0 every test passed", "1 a test failed or could not run (a malformed test, a case that cannot be read)", "2 the command could not run (missing file, a test file that is not valid JSON or has no tests, a policy that does not compile, unknown option)"),
        ["audit verify"] = Line("0 the chain is intact", "1 it is broken (the first broken record's sequence and line are named) or its last line is torn (cut off by a crash; the intact records before it are counted)", "2 the command could not run (missing or unreadable file, a bad key or checkpoint file, unknown option)"),
        ["audit stats"] = Line("0 counted over an intact trail", "1 counted, but the trail is broken or torn (a warning names where; only the records before it count)", "2 the command could not run (missing or unreadable file, unknown option)"),
        ["audit checkpoint"] = Line("0 the checkpoint was written", "1 the trail does not verify, or it is keyed and no keys were given (nothing is written)", "2 the command could not run (missing or unreadable file, a bad key file, --out names an existing file, unknown option)"),
        ["audit export"] = Line("0 exported", null, "2 the command could not run (missing file, not a case store, --out names an existing file, unknown option)"),
        ["audit repair"] = Line("0 the torn tail was repaired, or there was none (nothing to repair, the file is unchanged)", "1 the trail is broken in another way, which a repair cannot mend (the file is unchanged)", "2 the command could not run (missing file, a SQLite case store, no --auditor or --reason, the trail open in another process, a keyed trail without its keys, unknown option)"),
        ["calibrate"] = Line("0 the report was made (and the proposal written)", "1 the evidence says an action type's auto path misses the target and must tighten (the report and proposal are still written)", "2 the command could not run (missing file, a policy that does not compile, a broken audit trail, an option out of range)"),
        ["shadow"] = Line("0 the policies decide every case alike (or the records hold no difference)", "1 they differ on at least one case or record, or a case line or record could not be read (named on standard error; the run goes on)", "2 the command could not run (missing file, a policy that does not compile, --records with the replay options, unknown option)"),
        ["oversight"] = Line("0 no finding crosses its threshold", "1 one does (a rubber-stamp reviewer, a drift, a disparity between segments, an auto path above its error bound), or the trail is broken or torn (read up to the break)", "2 the command could not run (missing or unreadable file, an option out of range, unknown option)"),
        ["cases list"] = Line("0 listed", null, CasesUsage),
        ["cases show"] = Line("0 shown", null, CasesUsage),
        ["cases export"] = Line("0 exported", null, CasesUsage),
    };

    /// <summary>The exit codes of a command, wrapped for its help.</summary>
    public static string ExitsOf(string command) => Wrap(Exits[command]);

    private static string Line(string ok, string? failed, string usage) =>
        "Exit codes: " + string.Join("; ", new[] { ok, failed ?? "never 1", usage, InternalError }) + ".";

    /// <summary>Breaks text into lines of at most 116 characters, at spaces.</summary>
    internal static string Wrap(string text)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > 116)
            {
                lines.Add(line);
                line = word;
            }
            else
            {
                line = line.Length == 0 ? word : line + " " + word;
            }
        }

        lines.Add(line);
        return string.Join(Environment.NewLine, lines);
    }
}
