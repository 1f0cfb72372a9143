using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hitl.Policy;
using Hitl.Policy.AotHarness;
using Hitl.Policy.Benchmarks.Scenarios;

// The headline and route-only comparisons of the benchmark project, timed by a loop of our own so that the same code
// runs under the JIT (dotnet run) and compiled ahead of time (dotnet publish; see benchmarks/README.md).
HarnessOptions options;
try
{
    options = HarnessOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(HarnessOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(HarnessOptions.Usage);
    return 0;
}

// The scenarios, and the check that each Route() decides what its baseline decides (as the benchmarks' GlobalSetup).
var killSwitch = new KillSwitch();
var operations = OperationsScenario.Inputs();
var headlineDelegates = OperationsScenario.Compile(killSwitch);
var headlineReader = OperationsScenario.CompileWithReader(killSwitch);
Equivalence.Require(headlineDelegates, operations, killSwitch);
Equivalence.Require(headlineReader, operations, killSwitch);
var headlineWritten = OperationsScenario.CompilePrecompiled(killSwitch);
Equivalence.Require(headlineWritten, operations, killSwitch);

var payments = RouteOnlyScenario.Inputs();
var routeOnlyDelegates = RouteOnlyScenario.Compile();
var routeOnlyReader = RouteOnlyScenario.CompileWithReader();
RouteOnlyScenario.Require(routeOnlyDelegates, payments, "delegate accessors");
RouteOnlyScenario.Require(routeOnlyReader, payments, "generated reader");
var routeOnlyWritten = RouteOnlyScenario.CompilePrecompiled();
RouteOnlyScenario.Require(routeOnlyWritten, payments, "written router");
if (!headlineWritten.IsPrecompiled || !routeOnlyWritten.IsPrecompiled)
{
    Console.Error.WriteLine("A written router no longer fits its policy; write it again (WrittenRouterTests, HITL_WRITE_ROUTERS=1).");
    return 1;
}

Measurement[] measurements =
[
    new("headline", "hand-written if chain", Baseline: true, operations.Length, () => Passes.HandWritten(operations, killSwitch)),
    new("headline", "Route() delegate accessors", Baseline: false, operations.Length, () => Passes.Route(headlineDelegates, operations)),
    new("headline", "Route() generated reader", Baseline: false, operations.Length, () => Passes.Route(headlineReader, operations)),
    new("headline", "Route() written router", Baseline: false, operations.Length, () => Passes.Route(headlineWritten, operations)),
    new("route-only", "if chain (route only)", Baseline: true, payments.Length, () => Passes.IfChain(payments)),
    new("route-only", "Route() written router", Baseline: false, payments.Length, () => Passes.RouteOnly(routeOnlyWritten, payments)),
    new("route-only", "Route() generated reader", Baseline: false, payments.Length, () => Passes.RouteOnly(routeOnlyReader, payments)),
    new("route-only", "Route() delegate accessors", Baseline: false, payments.Length, () => Passes.RouteOnly(routeOnlyDelegates, payments)),
];

var aot = !RuntimeFeature.IsDynamicCodeSupported;
var invariant = CultureInfo.InvariantCulture;
Console.WriteLine("# Hitl.Policy harness: Route() against hand-written code");
Console.WriteLine();
Console.WriteLine(string.Create(invariant, $"Runtime mode: {(aot ? "Native AOT" : "JIT")} (RuntimeFeature.IsDynamicCodeSupported = {RuntimeFeature.IsDynamicCodeSupported})"));
Console.WriteLine(string.Create(invariant, $"Runtime: {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} logical processors"));
Console.WriteLine(string.Create(invariant, $"Method: per measurement at least {options.Warmup.TotalMilliseconds:0} ms of warm-up (under the JIT until it stops compiling), then {options.Samples} samples of about {options.SampleTarget.TotalMilliseconds:0} ms, each whole passes over the {operations.Length:N0} (headline) or {payments.Length:N0} (route-only) fixed-seed inputs; Stopwatch.GetTimestamp; median, min and max ns per decision{(options.Quick ? "; --quick: not for quoting" : string.Empty)}"));
Console.WriteLine("Equivalence: every Route() decides what its baseline decides on every input (checked before timing)");
Console.WriteLine();

var results = new List<Result>();
foreach (var measurement in measurements)
{
    results.Add(Runner.Measure(measurement, options));
}

Console.WriteLine("| Class | Measurement | Median ns/decision | Min | Max | Ratio to baseline | Allocated (all samples) | Passes/sample |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
foreach (var result in results)
{
    var baseline = results.First(r => r.Measurement.Group == result.Measurement.Group && r.Measurement.Baseline);
    var ratio = result.MedianNs / baseline.MedianNs;
    Console.WriteLine(string.Create(invariant,
        $"| {result.Measurement.Group} | {result.Measurement.Name} | {result.MedianNs:0.00} | {result.MinNs:0.00} | {result.MaxNs:0.00} | {ratio:0.00}x | {result.AllocatedBytes:N0} B | {result.PassesPerSample:N0} |"));
}

Console.WriteLine();
Console.WriteLine(string.Create(invariant, $"sink: {Runner.Sink} (the sum of every pass's results, printed so that no pass can be optimised away)"));
return 0;
