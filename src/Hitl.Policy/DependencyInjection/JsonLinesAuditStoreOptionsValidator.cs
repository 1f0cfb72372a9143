using Hitl.Policy.Audit;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.DependencyInjection;

/// <summary>Checks the options of a <see cref="JsonLinesAuditStore"/> registered in DI at start, without opening the file.</summary>
internal sealed class JsonLinesAuditStoreOptionsValidator(string optionsName) : IValidateOptions<JsonLinesAuditStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, JsonLinesAuditStoreOptions options)
    {
        if (!string.Equals(name ?? Options.DefaultName, optionsName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            problems.Add($"JsonLinesAuditStoreOptions.Path: a trail file is required, found '{options.Path}'.");
        }
        else if (Path.GetDirectoryName(Path.GetFullPath(options.Path)) is { } directory && !Directory.Exists(directory))
        {
            problems.Add($"JsonLinesAuditStoreOptions.Path: the directory of '{options.Path}' does not exist ({directory}).");
        }

        if (options.GroupCommitMaxRecords < 1)
        {
            problems.Add($"JsonLinesAuditStoreOptions.GroupCommitMaxRecords: must be at least 1, found {options.GroupCommitMaxRecords}.");
        }

        if (string.IsNullOrWhiteSpace(options.AuditorRole))
        {
            problems.Add($"JsonLinesAuditStoreOptions.AuditorRole: a role name is required, found '{options.AuditorRole}'.");
        }

        try
        {
            _ = options.ResolveKeys();
        }
        catch (ArgumentException ex)
        {
            problems.Add(ex.Message);
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
