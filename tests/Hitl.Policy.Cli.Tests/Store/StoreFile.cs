using System.Text.Json;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Hitl.Policy.Cli.Tests.Store;

/// <summary>
/// A SQLite case store written by a real <see cref="ReviewGate{TContext}"/> over <see cref="SqliteCaseStore"/>, on a small
/// refund policy with a clock the test sets: cases opened ten minutes apart from <see cref="Start"/>.
/// </summary>
internal sealed class StoreFile
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public static readonly byte[] Secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public const string Hostile = "refund \u001b[31mEVIL\u001b[0m\nsecond line \u202Egnp.exe";

    public const string PolicyJson = """
    {
      "id": "refunds",
      "version": "1",
      "tiers": ["agent", "senior", "director"],
      "defaults": {
        "route": "auto-execute",
        "confidenceBands": [
          { "id": "confidence.high", "min": 0.8, "max": 1.0, "route": "auto-execute" },
          { "id": "confidence.low", "min": 0.0, "max": 0.8, "route": "review" }
        ],
        "review": { "tier": "agent", "approvals": 1, "deadline": "PT1H", "onTimeout": "escalate" },
        "escalate": { "tier": "senior", "approvals": 1, "deadline": "PT2H", "onTimeout": "block" }
      },
      "actions": {
        "refund.issue": {
          "impactTiers": [
            { "id": "refund.medium", "amountAtLeast": 1000, "route": "review" },
            { "id": "refund.large", "amountAtLeast": 5000, "route": "review", "tier": "senior", "approvals": 2 }
          ]
        }
      }
    }
    """;

    /// <summary>
    /// The cases, in the order opened (ten minutes apart): approved (carl), rejected (dana), escalated to senior (carl),
    /// pending (erin), pending with a hostile payload and summary (erin), large pending 1/2 at senior (dana),
    /// auto-executed (carl).
    /// </summary>
    public static readonly string[] Ids = ["c-approved", "c-rejected", "c-escalated", "c-pending", "c-hostile", "c-large", "c-auto"];

    private StoreFile(string path)
    {
        Path = path;
    }

    public string Path { get; }

    /// <summary>When each case was opened.</summary>
    public static DateTimeOffset OpenedAt(string id) => Start + TimeSpan.FromMinutes(10 * Array.IndexOf(Ids, id));

    /// <summary>The clock after the last case: 09:70, i.e. 10:10 (every pending deadline is still ahead).</summary>
    public static DateTimeOffset Now => Start + TimeSpan.FromMinutes(70);

    /// <summary>Writes the store; with <paramref name="keyed"/> its trail is signed with key 'k1' (<see cref="Secret"/>).</summary>
    public static async Task<StoreFile> WriteAsync(string path, bool keyed = false)
    {
        var clock = new FakeTimeProvider(Start);
        var definition = Hitl.Policy.PolicyJson.Parse(PolicyJson);
        var killSwitch = new KillSwitch(clock);
        var policy = new ReloadablePolicy<Signals>(definition, Signals.SchemaFor(definition), killSwitch);
        var options = new SqliteCaseStoreOptions { Keys = keyed ? new AuditKeyRing(new AuditKey("k1", Secret)) : null };
        await using (var store = SqliteCaseStore.Open("Data Source=" + path, options))
        {
            using var gate = new ReviewGateBuilder<Signals>(policy)
                .UseCaseStore(store)
                .AddReviewSink(new InMemoryReviewSink())
                .AddReviewerDirectory(new InMemoryReviewerDirectory(
                    Reviewer.Create("ann", "agent", "reviewer"),
                    Reviewer.Create("sam", "senior", "reviewer"),
                    Reviewer.Create("sue", "senior", "reviewer")))
                .UseTimeProvider(clock)
                .UseKillSwitch(killSwitch)
                .Build();
            await gate.Recovery;

            async Task<string> Submit(string id, double amount, string subject, string payload = "refund to order 42", string summary = "Customer asks for a refund of a damaged parcel.")
            {
                clock.SetUtcNow(OpenedAt(id));
                var signals = new Signals { ActionType = "refund.issue", Amount = amount, Confidence = amount < 1000 ? 0.95 : 0.9, RequestId = "r-" + id };
                var result = await gate.SubmitAsync(new GateRequest<Signals>
                {
                    Context = signals,
                    Decision = policy.Route(signals),
                    Payload = payload,
                    CaseId = id,
                    Requester = "rita",
                    Subject = subject,
                    Summary = summary,
                    Confidence = signals.Confidence,
                    ModelId = "refund-model",
                    ModelVersion = "2026-11",
                });
                return result.CaseId;
            }

            await Submit("c-approved", 2000, "carl");
            clock.Advance(TimeSpan.FromMinutes(2));
            await gate.ApproveAsync(new HumanAct("c-approved", "ann", "ok", "Parcel photo shows the damage."));
            await Submit("c-rejected", 2000, "dana");
            clock.Advance(TimeSpan.FromMinutes(3));
            await gate.RejectAsync(new HumanAct("c-rejected", "ann", "wrong", "Not this order."));
            await Submit("c-escalated", 2000, "carl");
            clock.Advance(TimeSpan.FromMinutes(1));
            await gate.EscalateAsync(new HumanAct("c-escalated", "ann", "unsure", "Needs a senior look."));
            await Submit("c-pending", 2000, "erin");
            await Submit("c-hostile", 2000, "erin", Hostile + new string('x', 1000), "summary \u001b]0;pwned\u0007 with\nnewline");
            await Submit("c-large", 6000, "dana");
            clock.Advance(TimeSpan.FromMinutes(1));
            await gate.ApproveAsync(new HumanAct("c-large", "sam", "ok"));
            await Submit("c-auto", 100, "carl");
        }

        return new StoreFile(path);
    }

    /// <summary>A key file for the keyed store.</summary>
    public static string WriteKeyFile(string path)
    {
        File.WriteAllText(path, JsonSerializer.Serialize(new { keys = new[] { new { id = "k1", secret = Convert.ToBase64String(Secret) } } }));
        return path;
    }

    /// <summary>Changes one character of an audit line in place, as someone with write access to the file could (dropping the append-only trigger first).</summary>
    public static void Tamper(string path, long sequence, string from, string to)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "DROP TRIGGER audit_is_append_only_update");
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE audit SET line = replace(line, $from, $to) WHERE sequence = $sequence";
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$to", to);
        command.Parameters.AddWithValue("$sequence", sequence);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    /// <summary>The stored line of one audit record.</summary>
    public static string Line(string path, long sequence)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT line FROM audit WHERE sequence = $sequence";
        command.Parameters.AddWithValue("$sequence", sequence);
        return (string)command.ExecuteScalar()!;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
