using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.Tests.Support;

/// <summary>The options start check of a service provider, for tests that expect it to fail.</summary>
internal static class StartCheck
{
    /// <summary>Every failure of the start check (one exception per options instance, aggregated when several fail); fails the test when it passes.</summary>
    public static List<string> Failures(IServiceProvider provider)
    {
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException e)
        {
            return [.. e.Failures];
        }
        catch (AggregateException e)
        {
            return [.. e.InnerExceptions.Select(Assert.IsType<OptionsValidationException>).SelectMany(x => x.Failures)];
        }

        Assert.Fail("The start check passed.");
        return [];
    }
}
