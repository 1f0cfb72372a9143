using System.Security.Cryptography;
using System.Text;
using Hitl.Policy.Audit;

namespace Hitl.Policy.Tests.Audit;

public class AuditChainTests
{
    private const string GoldenEntryJson =
        "{\"act\":\"decided\",\"caseId\":\"c-1\",\"at\":\"2026-11-23T09:30:00+00:00\",\"actionType\":\"loan.approve\",\"route\":\"review\","
        + "\"rulesFired\":[\"r1\",\"r2\"],\"flags\":\"sampled-for-audit, invalid-signal\",\"confidence\":0.5,\"data\":{\"a\":\"1\",\"b\":\"2\"}}";

    private static AuditEntry Golden() => new()
    {
        Act = ActKind.Decided,
        CaseId = "c-1",
        At = AuditSamples.Start,
        ActionType = "loan.approve",
        Route = RouteLevel.Review,
        RulesFired = ["r1", "r2"],
        Flags = DecisionFlags.InvalidSignal | DecisionFlags.SampledForAudit,
        Confidence = 0.5,
        Data = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" },
    };

    [Fact]
    public void Genesis_hash_is_64_zeros()
    {
        Assert.Equal(new string('0', 64), AuditChain.GenesisHash);
    }

    [Fact]
    public async Task Hash_is_sha256_of_the_documented_canonical_form()
    {
        var hashed = "{\"sequence\":1,\"previousHash\":\"" + AuditChain.GenesisHash + "\",\"entry\":" + GoldenEntryJson + "}";
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(hashed)));

        Assert.Equal(expected, AuditChain.ComputeHash(1, AuditChain.GenesisHash, Golden()));
        var record = await new InMemoryAuditStore().AppendAsync(Golden());
        Assert.Equal(expected, record.Hash);
        Assert.Equal(AuditChain.GenesisHash, record.PreviousHash);
    }

    [Fact]
    public async Task File_line_is_the_canonical_form_with_the_hash_added()
    {
        using var dir = new TempDirectory();
        var path = dir.File("audit.jsonl");
        AuditRecord record;
        await using (var store = JsonLinesAuditStore.Open(path))
        {
            record = await store.AppendAsync(Golden());
        }

        var expected = "{\"sequence\":1,\"previousHash\":\"" + AuditChain.GenesisHash + "\",\"hash\":\"" + record.Hash + "\",\"entry\":" + GoldenEntryJson + "}\n";
        Assert.Equal(expected, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public void Data_key_order_does_not_change_the_hash()
    {
        var a = Golden() with { Data = new Dictionary<string, string> { ["x"] = "1", ["y"] = "2", ["Z"] = "3" } };
        var b = Golden() with { Data = new Dictionary<string, string> { ["Z"] = "3", ["y"] = "2", ["x"] = "1" } };

        Assert.Equal(AuditChain.ComputeHash(4, AuditChain.GenesisHash, a), AuditChain.ComputeHash(4, AuditChain.GenesisHash, b));
    }

    [Fact]
    public void Every_field_sequence_and_previous_hash_feed_the_hash()
    {
        var full = AuditSamples.Full();
        var baseline = AuditChain.ComputeHash(2, new string('1', 64), full);
        var variants = new[]
        {
            full with { Act = ActKind.Approved },
            full with { CaseId = "case-7f3b" },
            full with { At = full.At.AddTicks(1) },
            full with { At = full.At.ToOffset(TimeSpan.Zero) },
            full with { ActionType = "refund.issuE" },
            full with { RequestId = null },
            full with { PolicyId = "ops" },
            full with { PolicyVersion = "2026.11.4" },
            full with { PolicyHash = new string('d', 64) },
            full with { InputDigest = new string('d', 64) },
            full with { EditedDigest = null },
            full with { Route = RouteLevel.Block },
            full with { RequiredTier = "lead" },
            full with { RequiredApprovals = 3 },
            full with { RulesFired = ["refund.new-customer", "refund.large", "defaults.low-confidence"] },
            full with { DecidedBy = "x" },
            full with { Flags = DecisionFlags.SampledForAudit },
            full with { Confidence = 0.7313 },
            full with { Risk = 0.3 },
            full with { Actor = "José Muller" },
            full with { ActorRole = "operator" },
            full with { ActorTier = "junior" },
            full with { ReasonCode = "other" },
            full with { Reason = "Amount" },
            full with { Supersedes = 2 },
            full with { Data = new Dictionary<string, string> { ["alpha"] = "first" } },
        };

        var hashes = variants.Select(v => AuditChain.ComputeHash(2, new string('1', 64), v)).Append(baseline).ToList();
        Assert.Equal(hashes.Count, hashes.Distinct(StringComparer.Ordinal).Count());
        Assert.NotEqual(baseline, AuditChain.ComputeHash(3, new string('1', 64), full));
        Assert.NotEqual(baseline, AuditChain.ComputeHash(2, new string('2', 64), full));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("000000000000000000000000000000000000000000000000000000000000000\"")]
    public void A_previous_hash_that_is_not_lower_case_hex_is_refused_by_name_and_value(string previousHash)
    {
        var ex = Assert.Throws<ArgumentException>(() => AuditChain.ComputeHash(1, previousHash, Golden()));
        Assert.Contains("previousHash", ex.Message, StringComparison.Ordinal);
        Assert.Contains(previousHash, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_names_the_first_changed_record()
    {
        var records = await ChainOf(6);
        records[3] = records[3] with { Entry = records[3].Entry with { Actor = "someone-else" } };

        var result = await AuditChain.VerifyAsync(records.ToAsyncEnumerable());

        Assert.False(result.IsIntact);
        Assert.Equal(4, result.FirstBrokenSequence);
        Assert.Equal(3, result.RecordCount);
        Assert.Null(result.FirstBrokenLine);
        Assert.False(result.TornTail);
        Assert.Contains("sequence 4", result.Problem, StringComparison.Ordinal);
        Assert.Contains("changed", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_finds_a_removed_record()
    {
        var records = await ChainOf(6);
        records.RemoveAt(2);

        var result = await AuditChain.VerifyAsync(records.ToAsyncEnumerable());

        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Contains("expected sequence 3, found 4", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_finds_a_record_renumbered_into_a_gap()
    {
        var records = await ChainOf(6);
        records.RemoveAt(2);
        records[2] = records[2] with { Sequence = 3 };

        var result = await AuditChain.VerifyAsync(records.ToAsyncEnumerable());

        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Contains("is not the hash of sequence 2", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_finds_a_rehashed_record_at_the_next_link()
    {
        var records = await ChainOf(6);
        var forged = records[1].Entry with { Reason = "forged" };
        records[1] = records[1] with { Entry = forged, Hash = AuditChain.ComputeHash(2, records[1].PreviousHash, forged) };

        var result = await AuditChain.VerifyAsync(records.ToAsyncEnumerable());

        // Whoever recomputes a hash breaks the link after it: the chain still shows where.
        Assert.Equal(3, result.FirstBrokenSequence);
    }

    [Fact]
    public async Task Verify_requires_the_first_record_to_start_from_zeros()
    {
        var records = await ChainOf(2);
        var first = records[0];
        var previous = new string('f', 64);
        records[0] = first with { PreviousHash = previous, Hash = AuditChain.ComputeHash(1, previous, first.Entry) };

        var result = await AuditChain.VerifyAsync(records.ToAsyncEnumerable());

        Assert.Equal(1, result.FirstBrokenSequence);
        Assert.Contains("64 zeros", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_of_nothing_is_intact_with_no_records()
    {
        var result = await AuditChain.VerifyAsync(Array.Empty<AuditRecord>().ToAsyncEnumerable());

        Assert.Equal(new AuditVerification(true, 0, null, null, null, false), result);
    }

    private static async Task<List<AuditRecord>> ChainOf(int count)
    {
        var store = new InMemoryAuditStore();
        for (var i = 0; i < count; i++)
        {
            await store.AppendAsync(AuditSamples.Simple("case-" + i, i));
        }

        return await AuditSamples.ReadAllAsync(store);
    }
}
