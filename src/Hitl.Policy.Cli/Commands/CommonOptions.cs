using System.CommandLine;

namespace Hitl.Policy.Cli.Commands;

/// <summary>Options that several commands share, spelled the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Policy() => new("--policy", "-p")
    {
        Description = "The policy file (JSON).",
        HelpName = "POLICY.json",
        Required = true,
    };

    public static Option<string> Format(string description, params string[] formats)
    {
        var option = new Option<string>("--format", "-f")
        {
            Description = description,
            HelpName = string.Join('|', formats),
            DefaultValueFactory = _ => formats[0],
        };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }
}
