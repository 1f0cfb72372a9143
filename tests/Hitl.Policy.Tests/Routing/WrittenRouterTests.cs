using Hitl.Policy.Benchmarks.Scenarios;
using Hitl.Policy.Review;
using Microsoft.Extensions.DependencyInjection;
using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Routing;

/// <summary>
/// Issue 17: a policy written as C# (<see cref="CompiledPolicy{TContext}.WriteRouterSource"/>) routes exactly as the
/// interpreter does, is used only for the policy and schema it was written for, and the router the benchmarks
/// measure is the one the writer writes today.
/// </summary>
public class WrittenRouterTests
{
    public static TheoryData<string> Routers => ["OperationsRouter", "RouteOnlyRouter"];

    [Theory]
    [MemberData(nameof(Routers))]
    public void The_benchmarks_routers_are_the_ones_the_writer_writes_for_their_policies(string router)
    {
        var written = router == "OperationsRouter"
            ? OperationsScenario.CompileWithReader(new KillSwitch()).WriteRouterSource("Hitl.Policy.Benchmarks.Scenarios", router)
            : RouteOnlyScenario.CompileWithReader().WriteRouterSource("Hitl.Policy.Benchmarks.Scenarios", router);
        var file = Repo.File("benchmarks", "Hitl.Policy.Benchmarks", "Scenarios", router + ".g.cs");
        if (Environment.GetEnvironmentVariable("HITL_WRITE_ROUTERS") == "1")
        {
            File.WriteAllText(file, written);
        }

        Assert.True(File.Exists(file), $"{file} is missing; run this test with HITL_WRITE_ROUTERS=1 to write it");
        Assert.Equal(written, File.ReadAllText(file).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_readme_router_is_the_one_its_snippet_writes_and_routes_the_quick_example_policy()
    {
        var definition = PolicyJson.Parse(File.ReadAllText(Repo.File("samples", "Hitl.Policy.QuickExample", "refunds.json")));
        var file = Repo.File("samples", "Hitl.Policy.Snippets", "RefundsRouter.g.cs");
        var directory = Directory.CreateTempSubdirectory("hitl-router-");
        try
        {
            Snippets.SignalsSnippet.WriteRouter(definition, directory.FullName);
            var written = File.ReadAllText(Path.Combine(directory.FullName, "RefundsRouter.g.cs"));
            if (Environment.GetEnvironmentVariable("HITL_WRITE_ROUTERS") == "1")
            {
                File.WriteAllText(file, written);
            }

            Assert.Equal(written, File.ReadAllText(file).ReplaceLineEndings("\n"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        var policy = Snippets.SignalsSnippet.CompileWritten(definition);
        var interpreted = Snippets.SignalsSnippet.Compile(definition);
        Assert.True(policy.IsPrecompiled);
        foreach (var claim in new[]
        {
            new Snippets.RefundClaim { Action = "refund.issue", Id = "r-1", ModelConfidence = 0.97, Amount = 40, Reversibility = Reversibility.Reversible },
            new Snippets.RefundClaim { Action = "refund.issue", Id = "r-2", ModelConfidence = 0.97, Amount = 40, Reversibility = Reversibility.Reversible, Chargebacks = 4 },
            new Snippets.RefundClaim { Action = "refund.issue", Id = "r-3", ModelConfidence = 0.5, Amount = 900, Reversibility = Reversibility.Irreversible },
            new Snippets.RefundClaim { Action = "account.close", Id = "r-4", ModelConfidence = 0.99 },
            new Snippets.RefundClaim { Action = null!, Id = "r-5", ModelConfidence = double.NaN },
        })
        {
            Assert.Equal(interpreted.Route(claim), policy.Route(claim));
        }
    }

    [Fact]
    public void The_written_route_only_router_is_used_and_decides_as_the_if_chain_does()
    {
        var precompiled = RouteOnlyScenario.CompilePrecompiled();
        var interpreted = RouteOnlyScenario.CompileWithReader();
        var inputs = RouteOnlyScenario.Inputs(20_000, seed: 23);

        Assert.True(precompiled.IsPrecompiled);
        Assert.Empty(RouteOnlyScenario.Differences(precompiled, inputs));
        foreach (var input in inputs)
        {
            Assert.Equal(interpreted.Route(input), precompiled.Route(input));
        }
    }

    [Fact]
    public void The_written_operations_router_is_used_and_decides_as_the_interpreter_and_the_hand_written_chain_do()
    {
        var killSwitch = new KillSwitch();
        var precompiled = OperationsScenario.CompilePrecompiled(killSwitch);
        var interpreted = OperationsScenario.CompileWithReader(killSwitch);
        var inputs = OperationsScenario.Inputs(20_000, seed: 17);

        Assert.True(precompiled.IsPrecompiled);
        Assert.False(interpreted.IsPrecompiled);
        Assert.Empty(Equivalence.Differences(precompiled, inputs, killSwitch));
        for (var round = 0; round < 3; round++)
        {
            if (round == 1)
            {
                killSwitch.Engage("refund.issue", "test", "the written router obeys the shared switch");
            }
            else if (round == 2)
            {
                killSwitch.Engage(null, "test", "everything stops");
            }

            foreach (var input in inputs)
            {
                Assert.Equal(interpreted.Route(input), precompiled.Route(input));
            }
        }
    }

    [Fact]
    public void A_router_for_another_policy_or_schema_is_not_used_and_one_instance_routes_for_one_policy()
    {
        var definition = OperationsScenario.Definition();
        var changed = PolicyJson.Parse(File.ReadAllText(Repo.File("samples", "policies", "operations.json")).Replace("\"version\": \"2026.11.1\"", "\"version\": \"2026.11.2\"", StringComparison.Ordinal));
        Assert.NotEqual(definition.Version, changed.Version);

        var stale = PolicyCompiler.Compile(changed, OperationsScenario.SchemaWithReader(), new OperationsRouter());
        var otherSchema = PolicyCompiler.Compile(definition, OperationsScenario.Schema().WithReader<OperationRequest.SignalReader>(), new OperationsRouter());
        Assert.False(stale.IsPrecompiled);
        Assert.False(otherSchema.IsPrecompiled, "the same fields through another reader and without their sources: the written reads may differ");

        var router = new OperationsRouter();
        Assert.True(PolicyCompiler.Compile(definition, OperationsScenario.SchemaWithReader(), router).IsPrecompiled);
        var twice = Assert.Throws<InvalidOperationException>(() => PolicyCompiler.Compile(definition, OperationsScenario.SchemaWithReader(), router));
        Assert.Contains("already routes", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Through_dependency_injection_the_written_router_routes_the_version_it_was_written_for_and_the_interpreter_the_others()
    {
        var json = File.ReadAllText(Repo.File("samples", "policies", "operations.json"));
        var created = 0;
        var services = new ServiceCollection();
        services.AddHitlPolicy(o => o.PolicyJson = json, _ => OperationsScenario.SchemaWithReader())
            .UseWrittenRouter(() => { created++; return new OperationsRouter(); });
        await using var provider = services.BuildServiceProvider();
        var policy = provider.GetRequiredService<ReloadablePolicy<OperationRequest>>();
        var inputs = OperationsScenario.Inputs(2_000, seed: 29);
        var interpreted = OperationsScenario.CompileWithReader(policy.KillSwitch);

        Assert.True(policy.Current.IsPrecompiled);
        Assert.All(inputs, input => Assert.Equal(interpreted.Route(input), policy.Route(input)));

        var next = PolicyJson.Parse(json.Replace("\"version\": \"2026.11.1\"", "\"version\": \"2026.11.2\"", StringComparison.Ordinal));
        Assert.True(policy.TryReload(next, OperationsScenario.SchemaWithReader(), out var errors), string.Join("; ", errors));
        Assert.False(policy.Current.IsPrecompiled);
        Assert.Equal("2026.11.2", policy.PolicyVersion);

        Assert.True(policy.TryReload(OperationsScenario.Definition(), OperationsScenario.SchemaWithReader(), out errors), string.Join("; ", errors));
        Assert.True(policy.Current.IsPrecompiled);
        Assert.Equal(3, created);

        var twice = Assert.Throws<InvalidOperationException>(() => new ServiceCollection()
            .AddHitlPolicy(o => o.PolicyJson = json, _ => OperationsScenario.SchemaWithReader())
            .UseWrittenRouter(() => new OperationsRouter()).UseWrittenRouter(() => new OperationsRouter()));
        Assert.Contains("already set", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Warmed_calls_through_the_written_router_allocate_nothing()
    {
        var killSwitch = new KillSwitch();
        var policy = OperationsScenario.CompilePrecompiled(killSwitch);
        var inputs = OperationsScenario.Inputs(1024, seed: 5);
        killSwitch.Engage("email.send", "ops", "drill");
        var routes = new int[5];
        foreach (var input in inputs)
        {
            routes[(int)policy.Route(input).Route]++;
        }

        // The same loop twice: the first run warms it (tiering and on-stack replacement compile on this thread).
        Calls(policy, inputs);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sampled = Calls(policy, inputs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(policy.IsPrecompiled);
        Assert.True(sampled > 0, "the inputs should include sampled decisions");
        Assert.All(routes, count => Assert.True(count > 0, "every route should occur among the inputs: " + string.Join(",", routes)));
    }

    private static int Calls(CompiledPolicy<OperationRequest> policy, OperationRequest[] inputs)
    {
        var sampled = 0;
        for (var i = 0; i < 100_000; i++)
        {
            sampled += policy.Route(inputs[i & 1023]).IsSampledForAudit ? 1 : 0;
        }

        return sampled;
    }
}
