using System.Text;
using System.Text.Json;
using Hitl.Policy.Definition;
using Hitl.Policy.Json;

namespace Hitl.Policy;

/// <summary>
/// Reads and writes policy documents (JSON). Reading checks the JSON itself; <see cref="PolicyCompiler"/> checks the
/// policy, and its errors then carry the line and column of the offending value in this document.
/// </summary>
public static class PolicyJson
{
    /// <summary>Reads a policy document.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The definition, not yet validated.</returns>
    /// <exception cref="PolicyValidationException">The JSON is malformed; the error names the line and position.</exception>
    public static PolicyDefinition Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Reads a policy document from UTF-8 bytes.</summary>
    /// <param name="utf8Json">The JSON bytes.</param>
    /// <returns>The definition, not yet validated.</returns>
    /// <exception cref="PolicyValidationException">The JSON is malformed; the error names the line and position.</exception>
    public static PolicyDefinition Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        PolicyDefinition? definition;
        JsonSourceMap? source = null;
        try
        {
            // One reader pass first: it maps paths to lines and refuses what the serializer would let through
            // (invalid UTF-8 in names, numbers such as 1e309 that read as infinity).
            var problems = new List<PolicyError>();
            source = JsonSourceMap.Build(utf8Json, problems);
            if (problems.Count > 0)
            {
                throw new PolicyValidationException(problems);
            }

            definition = JsonSerializer.Deserialize(utf8Json, PolicyJsonContext.Default.PolicyDefinition);
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber is { } l ? (int)l + 1 : (int?)null;
            var column = ex.BytePositionInLine is { } c ? (int)c + 1 : (int?)null;
            var path = ex.Path ?? JsonPath.Root;
            var value = source?.RawValue(path, utf8Json);
            var error = new PolicyError(PolicyErrorCode.MalformedJson, path, Clean(ex.Message), value) { Line = line, Column = column };
            throw new PolicyValidationException([error], ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException or ArgumentException or NotSupportedException)
        {
            // The serializer lets some reader and converter failures through unwrapped; they are still malformed input.
            var error = new PolicyError(PolicyErrorCode.MalformedJson, JsonPath.Root, "the document cannot be read: " + Clean(ex.Message)) { Line = 1, Column = 1 };
            throw new PolicyValidationException([error], ex);
        }

        if (definition is null)
        {
            throw new PolicyValidationException([new PolicyError(PolicyErrorCode.MalformedJson, JsonPath.Root, "the document is null; a policy is a JSON object") { Line = 1, Column = 1 }]);
        }

        definition.Source = source!;
        return definition;
    }

    /// <summary>Reads a policy document from a file.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The definition, not yet validated.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="PolicyValidationException">The JSON is malformed; the error names the line and position.</exception>
    public static PolicyDefinition Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Parse(File.ReadAllBytes(path));
    }

    /// <summary>Writes a definition as an indented policy document.</summary>
    /// <param name="definition">The definition.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(PolicyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return JsonSerializer.Serialize(definition, PolicyJsonContext.Default.PolicyDefinition);
    }

    /// <summary>
    /// The SHA-256 (lower-case hex) of <see cref="Serialize"/>'s text in UTF-8, hashed as it is written: no copy of the
    /// document is held, so a large policy costs no large buffers.
    /// </summary>
    internal static string Digest(PolicyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        using var sink = new HashingStream();
        JsonSerializer.Serialize(sink, definition, PolicyJsonContext.Default.PolicyDefinition);
        return sink.Finish();
    }

    private static string Clean(string message)
    {
        // System.Text.Json appends its own "Path: ... | LineNumber: ..." suffix; the error carries those separately.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

/// <summary>A write-only stream that feeds what is written to a SHA-256.</summary>
internal sealed class HashingStream : Stream
{
    private readonly System.Security.Cryptography.IncrementalHash _hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override void Write(byte[] buffer, int offset, int count) => _hash.AppendData(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _hash.AppendData(buffer);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
