using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Audit;

namespace Hitl.Policy.Tests.Audit;

/// <summary>Any entry a host can append comes back field for field, and its line is canonical and hashes right.</summary>
public class AuditEntryRoundTripTests
{
    private static readonly string[] Atoms =
        ["a", "Z", "0", " ", "-", ".", "\"", "\\", "/", "\n", "\r", "\t", "\u0001", "\u007f", "é", "ß", "中", "😀", "<", ">", "&", "+", "'", "\u2028", "\ufeff"];

    private static readonly Gen<string> Text =
        Gen.ArrayOf(Gen.Elements(Atoms)).Select(parts => string.Concat(parts));

    private static readonly Gen<string?> MaybeText = Gen.Frequency((1, Gen.Constant<string?>(null)), (3, Text.Select(t => (string?)t)));

    private static readonly Gen<double?> Number = Gen.Frequency(
        (1, Gen.Constant<double?>(null)),
        (1, Gen.Elements<double?>(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, double.Epsilon, double.MaxValue, double.MinValue, 0.1 + 0.2)),
        (4, ArbMap.Default.GeneratorFor<double>().Select(d => (double?)d)));

    private static readonly Gen<DateTimeOffset> Moment =
        from days in Gen.Choose(0, 365 * 100)
        from ticks in Gen.Choose(0, int.MaxValue)
        from offsetMinutes in Gen.Choose(-14 * 60, 14 * 60)
        select new DateTimeOffset(new DateTime(2000, 1, 1).AddDays(days).AddTicks(ticks), TimeSpan.FromMinutes(offsetMinutes));

    private static readonly Gen<IReadOnlyList<string>?> Rules = Gen.Frequency(
        (1, Gen.Constant<IReadOnlyList<string>?>(null)),
        (3, Gen.ListOf(Text).Select(list => (IReadOnlyList<string>?)list.ToList())));

    private static readonly Gen<IReadOnlyDictionary<string, string>?> Facts = Gen.Frequency(
        (1, Gen.Constant<IReadOnlyDictionary<string, string>?>(null)),
        (3, Gen.ListOf(Gen.Zip(Text, Text)).Select(pairs =>
        {
            var data = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in pairs)
            {
                data.TryAdd(key, value);
            }

            return (IReadOnlyDictionary<string, string>?)data;
        })));

    private static readonly Gen<AuditEntry> Entries =
        from act in Gen.Elements(Enum.GetValues<ActKind>())
        from caseId in Text.Where(t => !string.IsNullOrWhiteSpace(t))
        from at in Moment
        from texts in Gen.ArrayOf(MaybeText, 15)
        from route in Gen.Elements<RouteLevel?>(null, RouteLevel.AutoExecute, RouteLevel.AutoExecuteWithNotice, RouteLevel.Review, RouteLevel.Escalate, RouteLevel.Block)
        from approvals in Gen.Frequency((1, Gen.Constant<int?>(null)), (3, Gen.Choose(int.MinValue, int.MaxValue).Select(i => (int?)i)))
        from rules in Rules
        from flags in Gen.Frequency((1, Gen.Constant<DecisionFlags?>(null)), (3, Gen.Choose(0, ushort.MaxValue).Select(f => (DecisionFlags?)(DecisionFlags)f)))
        from confidence in Number
        from risk in Number
        from supersedes in Gen.Frequency((1, Gen.Constant<long?>(null)), (1, Gen.Choose(1, int.MaxValue).Select(s => (long?)s)))
        from data in Facts
        select new AuditEntry
        {
            Act = act,
            CaseId = caseId,
            At = at,
            ActionType = texts[0],
            RequestId = texts[1],
            PolicyId = texts[2],
            PolicyVersion = texts[3],
            PolicyHash = texts[4],
            InputDigest = texts[5],
            EditedDigest = texts[6],
            Route = route,
            RequiredTier = texts[7],
            RequiredApprovals = approvals,
            RulesFired = rules,
            DecidedBy = texts[8],
            Flags = flags,
            Confidence = confidence,
            Risk = risk,
            Actor = texts[9],
            ActorRole = texts[10],
            ActorTier = texts[11],
            ReasonCode = texts[12],
            Reason = texts[13],
            Supersedes = act == ActKind.Corrected ? supersedes ?? 1 : supersedes,
            Data = data,
        };

    public static class Inputs
    {
        public static Arbitrary<AuditEntry> AnyEntry() => Arb.From(Entries);
    }

    [Property(MaxTest = 2000, Arbitrary = [typeof(Inputs)])]
    public void Any_entry_survives_its_line_and_the_line_checks(AuditEntry entry)
    {
        var line = new System.Buffers.ArrayBufferWriter<byte>();
        var previous = AuditChain.GenesisHash;
        var hash = AuditChain.ComputeHash(5, previous, entry);
        AuditJsonLine.Write(line, 5, previous, keyId: null, hash, AuditChain.SerializeEntry(entry));

        Assert.Equal((byte)'\n', line.WrittenSpan[^1]);
        Assert.Equal(-1, line.WrittenSpan[..^1].IndexOf((byte)'\n'));
        Assert.True(AuditJsonLine.TryParse(line.WrittenSpan[..^1], checkCanonical: true, out var parsed, out var problem), problem);
        Assert.True(parsed.Canonical);
        Assert.Null(AuditChain.FindProblem(parsed.Record, 5, previous));
        AuditSamples.AssertSameEntry(entry, parsed.Record.Entry);
    }

    [Fact]
    public async Task Random_entries_survive_the_file_store_and_a_reopen()
    {
        using var dir = new TempDirectory();
        var path = dir.File("audit.jsonl");
        var entries = Entries.Sample(20, 300)
            .Select(e => e with { Supersedes = e.Act == ActKind.Corrected ? 1 : null })
            .Prepend(AuditSamples.Simple("first"))
            .ToList();

        await using (var store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = path, GroupCommit = true }))
        {
            await store.AppendAsync(entries[0]);
            await Task.WhenAll(entries.Skip(1).Select(e => store.AppendAsync(e).AsTask()));
        }

        await using var reopened = JsonLinesAuditStore.Open(path);
        Assert.True((await reopened.VerifyAsync()).IsIntact);
        var records = await AuditSamples.ReadAllAsync(reopened);
        Assert.Equal(entries.Count, records.Count);
        var byContent = records.ToDictionary(r => Convert.ToHexString(AuditChain.SerializeEntry(r.Entry)), r => r.Entry);
        foreach (var entry in entries)
        {
            AuditSamples.AssertSameEntry(entry, byContent[Convert.ToHexString(AuditChain.SerializeEntry(entry))]);
        }
    }
}
