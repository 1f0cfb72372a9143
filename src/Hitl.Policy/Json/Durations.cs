using System.Globalization;
using System.Xml;

namespace Hitl.Policy.Json;

/// <summary>
/// Reads a duration the way every part of the library writes one: ISO 8601 (<c>PT5S</c>, <c>P7D</c>) or
/// <see cref="TimeSpan"/> text in its constant form (<c>00:00:05</c>, <c>7.00:00:00</c>); hours above 23 are refused
/// rather than read as days.
/// </summary>
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

        // The constant form only ([-][d.]hh:mm:ss[.fffffff]): a general parse would read "36:00:00" as 36 days.
        return TimeSpan.TryParseExact(trimmed, "c", CultureInfo.InvariantCulture, out value);
    }
}
