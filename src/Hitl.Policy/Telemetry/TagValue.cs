using System.Text.Json;

namespace Hitl.Policy.Telemetry;

/// <summary>Lower-case tag values for enums (kebab case, as in the JSON records), computed once per enum type.</summary>
internal static class TagValue<TEnum>
    where TEnum : struct, Enum
{
    private static readonly Dictionary<TEnum, string> Names =
        Enum.GetValues<TEnum>().ToDictionary(v => v, v => JsonNamingPolicy.KebabCaseLower.ConvertName(v.ToString()));

    public static string Of(TEnum value) => Names.TryGetValue(value, out var name) ? name : "unknown";
}

/// <summary>The <c>error.type</c> of a failure.</summary>
internal static class ErrorType
{
    public static string Of(Exception exception) => exception switch
    {
        Review.ReviewException review => TagValue<Review.ReviewErrorCode>.Of(review.Code),
        _ => exception.GetType().FullName ?? "exception",
    };
}
