using System.Text.Json;
using Hitl.Policy.Audit;

namespace Hitl.Policy.Cli.Loading;

/// <summary>The keys and checkpoint files that <c>hitl audit verify</c> reads; secrets never appear in a message.</summary>
internal static class AuditKeys
{
    /// <summary>A ring of every key given (the first one is taken as active; verifying only needs them all), or <see langword="null"/> when none is.</summary>
    /// <exception cref="CliException">A key file or key is not valid; the message names it, never the secret.</exception>
    public static AuditKeyRing? Load(IReadOnlyList<string> keyFiles, IReadOnlyList<string> keyArguments, bool allowUnkeyed)
    {
        var keys = new List<AuditKey>();
        foreach (var file in keyFiles)
        {
            keys.AddRange(ReadKeyFile(file));
        }

        foreach (var argument in keyArguments)
        {
            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException("--key must be ID=BASE64 (the key's id, '=', its secret in base64); the value given has no id before '='.");
            }

            keys.Add(Key(argument[..equals], argument[(equals + 1)..], "--key"));
        }

        if (keys.Count == 0)
        {
            return allowUnkeyed ? throw new CliException("--allow-unkeyed needs the trail's keys (--key-file or --key).") : null;
        }

        try
        {
            return new AuditKeyRing(keys[0], keys.Skip(1)) { AllowUnkeyedRecords = allowUnkeyed };
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message.Split(" (Parameter", 2)[0]);
        }
    }

    /// <summary>Reads a checkpoint file.</summary>
    /// <exception cref="CliException">The file is missing or not a checkpoint.</exception>
    public static AuditCheckpoint LoadCheckpoint(string path)
    {
        var bytes = InputFile.ReadBytes(path, "checkpoint file", 64 * 1024);
        try
        {
            return AuditCheckpoint.Parse(System.Text.Encoding.UTF8.GetString(InputFile.WithoutByteOrderMark(bytes)));
        }
        catch (FormatException ex)
        {
            throw new CliException($"The checkpoint file '{path}' cannot be read: {ex.Message}");
        }
    }

    private static List<AuditKey> ReadKeyFile(string path)
    {
        var bytes = InputFile.WithoutByteOrderMark(InputFile.ReadBytes(path, "key file", 1024 * 1024));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            throw new CliException($"The key file '{path}' is not valid JSON (line {ex.LineNumber + 1}).");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !TryGet(root, "keys", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                throw new CliException($"The key file '{path}' must be an object with a \"keys\" array: {{\"keys\": [{{\"id\": \"k1\", \"secret\": \"<base64>\"}}]}}.");
            }

            var keys = new List<AuditKey>();
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var where = $"the key file '{path}', keys[{index++}]";
                if (item.ValueKind != JsonValueKind.Object
                    || !TryGet(item, "id", out var id) || id.ValueKind != JsonValueKind.String
                    || !TryGet(item, "secret", out var secret) || secret.ValueKind != JsonValueKind.String)
                {
                    throw new CliException($"In {where}: each key is an object with a string \"id\" and a string \"secret\" (base64).");
                }

                keys.Add(Key(id.GetString()!, secret.GetString()!, where));
            }

            return keys;
        }
    }

    private static AuditKey Key(string id, string secret, string where)
    {
        try
        {
            return AuditKey.FromBase64(id, secret);
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"In {where}: {ex.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
