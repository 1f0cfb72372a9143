using Microsoft.AspNetCore.Http;

namespace Hitl.Policy.AspNetCore.Inbox;

/// <summary>
/// The headers of every inbox response: no script runs on an inbox page whatever a payload holds (the pages have
/// none), no page is framed or cached, no address leaks to another site.
/// </summary>
internal static class InboxHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }
}
