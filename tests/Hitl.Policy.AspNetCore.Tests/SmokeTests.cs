using System.Net;
using Hitl.Policy.AspNetCore.Tests.Support;

namespace Hitl.Policy.AspNetCore.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Kestrel_serves_the_inbox_on_loopback()
    {
        using var app = new InboxApp();
        var address = app.StartKestrel();
        using var http = new HttpClient { BaseAddress = address };
        using var response = await http.GetAsync("/signin");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("127.0.0.1", address.Host);
    }
}
