using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Hitl.Policy.Samples.ReviewerInbox;

/// <summary>
/// A sign-in page for the sample only: pick a demo person, no password. A real host signs people in with its identity
/// provider (OpenID Connect, Entra ID, ...) and the inbox takes the signed-in user from there.
/// </summary>
public static class SignInPage
{
    /// <summary>Maps <c>/signin</c> (GET shows the page, POST signs in) and <c>/signout</c>.</summary>
    /// <param name="app">The app.</param>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/signin", (HttpContext http, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(http);
            var html = HtmlEncoder.Default;
            var buttons = string.Concat(DemoPeople.SignIns.Select(p =>
                $"<li><button type=\"submit\" name=\"user\" value=\"{html.Encode(p.Id)}\">Sign in as {html.Encode(p.Id)}</button> ({html.Encode(p.Describe)})</li>"));
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; form-action 'self'; frame-ancestors 'none'";
            return Results.Content($$"""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Demo sign-in</title></head>
                <body>
                <main>
                <h1>Demo sign-in: development only</h1>
                <p><strong>This page is part of the sample, not of Hitl.Policy.</strong> It signs you in without a password. Replace it with your identity provider.</p>
                <form method="post" action="/signin">
                <input type="hidden" name="{{html.Encode(tokens.FormFieldName)}}" value="{{html.Encode(tokens.RequestToken!)}}">
                <ul>{{buttons}}</ul>
                </form>
                <p>Reviewers go to <a href="/review">/review</a>; the customer's contest page is <a href="/contest">/contest/{case id}</a>.</p>
                </main>
                </body></html>
                """, "text/html; charset=utf-8");
        });
        app.MapPost("/signin", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.BadRequest("The sign-in form came without a valid anti-forgery token.");
            }

            var form = await http.Request.ReadFormAsync();
            var user = form["user"].ToString();
            if (!DemoPeople.SignIns.Any(p => p.Id == user))
            {
                return Results.BadRequest("Pick one of the demo people.");
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user), new Claim(ClaimTypes.Name, user)], CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            return Results.Redirect(user == DemoPeople.Customer ? "/mine" : "/review");
        });
        app.MapGet("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/signin");
        });
    }
}
