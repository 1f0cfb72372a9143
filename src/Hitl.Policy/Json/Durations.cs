using System.Globalization;
using System.Xml;

namespace Hitl.Policy.Json;

/// <summary>Reads a duration the way every part of the library writes one: ISO 8601 (<c>PT5S</c>) or <see cref="TimeSpan"/> text.</summary>
internal static class Durations
{
    /// <summary>The accepted forms, for error messages.</summary>
    public const string Forms = "an ISO 8601 duration (PT5S, PT4H, P7D) or TimeSpan text (00:00:05, 7.00:00:00)";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return false;
        }

        if (trimmed.StartsWith('P') || trimmed.StartsWith("-P", StringComparison.Ordinal))
        {
            try
            {
                value = XmlConvert.ToTimeSpan(trimmed);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value);
    }
}
