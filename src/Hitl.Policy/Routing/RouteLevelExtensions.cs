namespace Hitl.Policy;

/// <summary>Helpers over <see cref="RouteLevel"/>.</summary>
public static class RouteLevelExtensions
{
    /// <summary>Whether the route lets the action run without a person approving it first.</summary>
    /// <param name="route">The route.</param>
    /// <returns><see langword="true"/> for <see cref="RouteLevel.AutoExecute"/> and <see cref="RouteLevel.AutoExecuteWithNotice"/>.</returns>
    public static bool IsAutomatic(this RouteLevel route) => route <= RouteLevel.AutoExecuteWithNotice;

    /// <summary>The name used in policy JSON, for example <c>auto-execute-with-notice</c>.</summary>
    /// <param name="route">The route.</param>
    /// <returns>The kebab-case name.</returns>
    public static string ToJsonName(this RouteLevel route) => route switch
    {
        RouteLevel.AutoExecute => "auto-execute",
        RouteLevel.AutoExecuteWithNotice => "auto-execute-with-notice",
        RouteLevel.Review => "review",
        RouteLevel.Escalate => "escalate",
        RouteLevel.Block => "block",
        _ => "invalid(" + ((byte)route).ToString(System.Globalization.CultureInfo.InvariantCulture) + ")",
    };

    internal static RouteLevel Max(RouteLevel a, RouteLevel b) => a >= b ? a : b;
}
