namespace Hitl.Policy;

/// <summary>Helpers over <see cref="Route"/>.</summary>
public static class RouteExtensions
{
    /// <summary>Whether the route lets the action run without a person approving it first.</summary>
    /// <param name="route">The route.</param>
    /// <returns><see langword="true"/> for <see cref="Route.AutoExecute"/> and <see cref="Route.AutoExecuteWithNotice"/>.</returns>
    public static bool IsAutomatic(this Route route) => route <= Route.AutoExecuteWithNotice;

    /// <summary>The name used in policy JSON, for example <c>auto-execute-with-notice</c>.</summary>
    /// <param name="route">The route.</param>
    /// <returns>The kebab-case name.</returns>
    public static string ToJsonName(this Route route) => route switch
    {
        Route.AutoExecute => "auto-execute",
        Route.AutoExecuteWithNotice => "auto-execute-with-notice",
        Route.Review => "review",
        Route.Escalate => "escalate",
        Route.Block => "block",
        _ => "invalid(" + ((byte)route).ToString(System.Globalization.CultureInfo.InvariantCulture) + ")",
    };

    internal static Route Max(Route a, Route b) => a >= b ? a : b;
}
