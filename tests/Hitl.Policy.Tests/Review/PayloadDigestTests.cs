using System.Security.Cryptography;
using System.Text;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

/// <summary>
/// Issue 10, item 9: the trail's payload digest was an unsalted SHA-256, and a short payload was reversed by brute
/// force in 14 ms. With a deployment key it is an HMAC-SHA256: the same guesses find nothing.
/// </summary>
public class PayloadDigestTests
{
    private static readonly byte[] Secret = Enumerable.Range(40, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public async Task A_short_payload_cannot_be_found_by_hashing_guesses_when_digests_are_keyed()
    {
        using var keyed = new GateFixture(new ReviewGateOptions { PayloadDigestKey = Convert.ToBase64String(Secret) });
        var id = await keyed.OpenAsync(payload: "yes");
        var digest = keyed.Audit.EntriesFor(id).First(e => e.InputDigest is not null).InputDigest!;

        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Secret, "yes"u8)), digest);
        Assert.Null(BruteForce(digest));

        // The weak mode, as the issue found it.
        using var plain = new GateFixture();
        var plainId = await plain.OpenAsync(payload: "yes");
        Assert.Equal("yes", BruteForce(plain.Audit.EntriesFor(plainId).First(e => e.InputDigest is not null).InputDigest!));
    }

    [Fact]
    public async Task Keyed_digests_still_tell_an_edit_from_the_same_payload()
    {
        using var f = new GateFixture(new ReviewGateOptions { PayloadDigestKey = Convert.ToBase64String(Secret) });
        var id = await f.OpenAsync(payload: "refund 2000 EUR to order 42");
        await f.Gate.EditAndApproveAsync(new HumanAct(id, "ann", "wrong-amount"), "refund 200 EUR to order 42");

        var edited = f.Audit.EntriesFor(id).Single(e => e.Act == ActKind.Edited);
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Secret, Encoding.UTF8.GetBytes("refund 200 EUR to order 42"))), edited.EditedDigest);
        Assert.NotEqual(edited.InputDigest, edited.EditedDigest);
    }

    [Theory]
    [InlineData("c2hvcnQ=", "is 5 bytes")]
    [InlineData("not base64!", "is not base64")]
    public void A_bad_key_is_refused_when_the_gate_is_built_naming_the_option_but_not_the_secret(string key, string expected)
    {
        using var f = new GateFixture(new ReviewGateOptions { PayloadDigestKey = key });
        var ex = Assert.ThrowsAny<Exception>(() => f.Gate);
        Assert.Contains("PayloadDigestKey", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Every lower-case word of one to three letters, hashed with SHA-256: what an attacker with the trail tries first.</summary>
    private static string? BruteForce(string digest)
    {
        const string letters = "abcdefghijklmnopqrstuvwxyz";
        var candidates = letters.Select(a => a.ToString())
            .Concat(letters.SelectMany(a => letters.Select(b => $"{a}{b}")))
            .Concat(letters.SelectMany(a => letters.SelectMany(b => letters.Select(c => $"{a}{b}{c}"))));
        return candidates.FirstOrDefault(c => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(c))) == digest);
    }
}
