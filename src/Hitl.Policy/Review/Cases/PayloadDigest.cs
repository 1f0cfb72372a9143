using System.Security.Cryptography;
using System.Text;

namespace Hitl.Policy.Review;

/// <summary>SHA-256 digests (lower-case hex) of payloads and policy documents; the audit trail keeps digests, not content.</summary>
internal static class PayloadDigest
{
    public static string Of(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
