namespace Hitl.Policy.Tests.Support;

/// <summary>Waits for something a background callback (a file watcher, a reload) makes true, for up to five seconds.</summary>
internal static class Eventually
{
    public static async Task True(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
