using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using Hitl.Policy.Definition;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Evaluation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Hitl.Policy.Review;
using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Laws;

/// <summary>
/// Issue 10 item 9 (sampling): with a deployment secret the audit sample cannot be evaded by choosing request ids, and it
/// stays deterministic per key; without one it keeps today's (public, evadable) hash.
/// </summary>
public class KeyedSamplingTests
{
    private const double Rate = 0.10;

    private static readonly SamplingKey KeyA = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly SamplingKey KeyB = new(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    private static PolicyDefinition Definition() =>
        new PolicyBuilder("sampling", "1")
            .Defaults(d => d.ConfidenceBand("sure", 0.8, 1, RouteLevel.AutoExecute).ConfidenceBand("unsure", 0, 0.8, RouteLevel.Review))
            .Action("refund.issue", a => a.Sample(Rate, SamplingMode.Flag))
            .Build();

    private static CompiledPolicy<Signals> Compile(SamplingKey? key) => PolicyCompiler.Compile(Definition(), Signals.Schema([]), null, key);

    private static Signals Refund(string requestId) => new()
    {
        ActionType = "refund.issue", RequestId = requestId, Confidence = 0.95, Reversibility = Reversibility.Reversible,
    };

    [Fact]
    public void Ids_chosen_to_escape_the_unkeyed_sample_are_sampled_at_the_rate_once_the_sample_is_keyed()
    {
        var unkeyed = Compile(null);
        var keyed = Compile(KeyA);

        // The submitter's attack: try ids until the public hash says "not sampled", and submit only those.
        var chosen = new List<string>();
        for (var i = 0; chosen.Count < 10_000; i++)
        {
            var id = "req-" + i.ToString(CultureInfo.InvariantCulture);
            if (!unkeyed.Route(Refund(id)).IsSampledForAudit)
            {
                chosen.Add(id);
            }
        }

        Assert.Equal(0, chosen.Count(id => unkeyed.Route(Refund(id)).IsSampledForAudit));
        var caught = chosen.Count(id => keyed.Route(Refund(id)).IsSampledForAudit);

        // Five standard deviations of a binomial share around the rate.
        var bound = 5 * Math.Sqrt(Rate * (1 - Rate) / chosen.Count);
        Assert.InRange(caught / (double)chosen.Count, Rate - bound, Rate + bound);
        var inputs = chosen.Take(256).Select(Refund).ToArray();
        Assert.Equal(0, SteadyAllocation.Of(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                keyed.Route(inputs[i & 255]);
            }
        }));
        Assert.Null(unkeyed.SamplingKeyFingerprint);
        Assert.Equal(KeyA.Fingerprint, keyed.SamplingKeyFingerprint);
    }

    [Fact]
    public void The_same_key_and_id_give_the_same_answer_and_another_key_another_sample()
    {
        var first = Compile(KeyA);
        var again = Compile(new SamplingKey(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));
        var other = Compile(KeyB);
        var differ = 0;
        for (var i = 0; i < 5_000; i++)
        {
            var id = "order/" + i.ToString("x", CultureInfo.InvariantCulture);
            var sampled = first.Route(Refund(id)).IsSampledForAudit;
            Assert.Equal(sampled, again.Route(Refund(id)).IsSampledForAudit);
            Assert.Equal(sampled, first.Route(Refund(id)).IsSampledForAudit);
            differ += sampled != other.Route(Refund(id)).IsSampledForAudit ? 1 : 0;
        }

        // Two independent 10% samples disagree on about 18% of ids.
        Assert.InRange(differ, 600, 1200);
        Assert.NotEqual(KeyA.Fingerprint, KeyB.Fingerprint);
    }

    [Fact]
    public void Without_a_key_the_sample_is_todays_public_hash()
    {
        var unkeyed = Compile(null);
        var salt = RequestSampler.Hash("refund.issue", 0x4849_544C_5F53_414DUL);
        for (var i = 0; i < 2_000; i++)
        {
            var id = "r" + i.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(RequestSampler.Hash(id, salt) < RequestSampler.Threshold(Rate), unkeyed.Route(Refund(id)).IsSampledForAudit);
        }
    }

    [Fact]
    public void The_keyed_hash_is_SipHash_2_4_of_the_salt_and_the_utf16_code_units()
    {
        // The reference implementation's vectors (key 00..0f, message 00..len-1) pin the byte-level function below.
        var key = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        Assert.Equal(0x726fdb47dd0e0e31UL, SipHash(key, []));
        Assert.Equal(0xa129ca6149be45e5UL, SipHash(key, Enumerable.Range(0, 15).Select(i => (byte)i).ToArray()));

        var k0 = BinaryPrimitives.ReadUInt64LittleEndian(key);
        var k1 = BinaryPrimitives.ReadUInt64LittleEndian(key.AsSpan(8));
        var random = new Random(77);
        for (var n = 0; n < 300; n++)
        {
            var salt = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
            var text = new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => (char)random.Next(0, 0x10000)).ToArray());
            var bytes = new byte[8 + (2 * text.Length)];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, salt);
            for (var i = 0; i < text.Length; i++)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8 + (2 * i)), text[i]);
            }

            Assert.Equal(SipHash(key, bytes), RequestSampler.KeyedHash(k0, k1, salt, text));
        }
    }

    [Fact]
    public void A_key_is_at_least_sixteen_bytes_and_configuration_reads_it_as_base64_without_showing_it()
    {
        Assert.Throws<ArgumentException>(() => new SamplingKey(new byte[15]));
        Assert.Throws<ArgumentException>(() => SamplingKey.FromBase64("not base64!"));
        Assert.Equal(KeyA.Fingerprint, SamplingKey.FromBase64(Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray())).Fingerprint);
        Assert.DoesNotContain("AQID", KeyA.ToString(), StringComparison.Ordinal);

        var secret = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PolicyJson"] = PolicyJson.Serialize(Definition()),
            ["SamplingKey"] = secret,
        }).Build();
        var services = new ServiceCollection();
        services.AddHitlPolicy(configuration);
        using var provider = services.BuildServiceProvider();
        var policy = provider.GetRequiredService<ReloadablePolicy<Signals>>();
        Assert.Equal(KeyA.Fingerprint, policy.Current.SamplingKeyFingerprint);
        var reference = Compile(KeyA);
        for (var i = 0; i < 500; i++)
        {
            var id = "c" + i.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(reference.Route(Refund(id)).IsSampledForAudit, policy.Route(Refund(id)).IsSampledForAudit);
        }

        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PolicyJson"] = PolicyJson.Serialize(Definition()),
            ["SamplingKey"] = "c2hvcnQ=",
        }).Build();
        var badServices = new ServiceCollection();
        badServices.AddHitlPolicy(bad);
        using var badProvider = badServices.BuildServiceProvider();
        var error = Assert.ThrowsAny<Exception>(() => badProvider.GetRequiredService<ReloadablePolicy<Signals>>());
        Assert.Contains("SamplingKey", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQ=", error.Message, StringComparison.Ordinal);
    }

    /// <summary>SipHash-2-4 over bytes, written from the paper, to check the word-wise production code against.</summary>
    private static ulong SipHash(byte[] key, byte[] message)
    {
        var k0 = BinaryPrimitives.ReadUInt64LittleEndian(key);
        var k1 = BinaryPrimitives.ReadUInt64LittleEndian(key.AsSpan(8));
        ulong v0 = k0 ^ 0x736f6d6570736575UL, v1 = k1 ^ 0x646f72616e646f6dUL, v2 = k0 ^ 0x6c7967656e657261UL, v3 = k1 ^ 0x7465646279746573UL;
        void Round()
        {
            v0 += v1; v1 = BitOperations.RotateLeft(v1, 13); v1 ^= v0; v0 = BitOperations.RotateLeft(v0, 32);
            v2 += v3; v3 = BitOperations.RotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = BitOperations.RotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = BitOperations.RotateLeft(v1, 17); v1 ^= v2; v2 = BitOperations.RotateLeft(v2, 32);
        }

        var blocks = message.Length / 8;
        for (var b = 0; b < blocks; b++)
        {
            var m = BinaryPrimitives.ReadUInt64LittleEndian(message.AsSpan(b * 8));
            v3 ^= m; Round(); Round(); v0 ^= m;
        }

        var last = (ulong)(message.Length & 0xFF) << 56;
        for (var i = blocks * 8; i < message.Length; i++)
        {
            last |= (ulong)message[i] << (8 * (i - (blocks * 8)));
        }

        v3 ^= last; Round(); Round(); v0 ^= last;
        v2 ^= 0xFF;
        Round(); Round(); Round(); Round();
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
