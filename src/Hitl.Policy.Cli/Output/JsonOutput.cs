using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hitl.Policy.Cli.Output;

/// <summary>Builds JSON text with one writer setup for every command: readable characters, no escaping of quotes in names.</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Indented = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    /// <summary>Writes JSON through <paramref name="write"/> and returns it as text.</summary>
    /// <param name="write">Writes exactly one JSON value.</param>
    /// <param name="indented">Whether to indent (for documents people read) or keep it on one line (for JSON Lines).</param>
    public static string Build(Action<Utf8JsonWriter> write, bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, indented ? Indented : Compact))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
