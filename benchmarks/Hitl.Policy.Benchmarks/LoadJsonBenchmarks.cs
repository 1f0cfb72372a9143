using BenchmarkDotNet.Attributes;
using Hitl.Policy.Benchmarks.Scenarios;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// What does loading a realistic policy file cost? The sample operations policy: parsing the JSON (baseline), reading it
/// from disk, validating it against the host's schema, and the whole path from file to compiled policy.
/// </summary>
[MemoryDiagnoser]
public class LoadJsonBenchmarks
{
    private byte[] _json = [];
    private string _path = "";
    private PolicyDefinition _definition = null!;
    private SignalSchema<OperationRequest> _schema = null!;

    [GlobalSetup]
    public void Setup()
    {
        _json = OperationsScenario.PolicyJsonBytes();
        _path = Path.Combine(Path.GetTempPath(), "hitl-bench-operations-" + Environment.ProcessId + ".json");
        File.WriteAllBytes(_path, _json);
        _definition = PolicyJson.Parse(_json);
        _schema = OperationsScenario.Schema();
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(Baseline = true, Description = "PolicyJson.Parse (bytes)")]
    public PolicyDefinition Parse() => PolicyJson.Parse(_json);

    [Benchmark(Description = "PolicyJson.Load (file)")]
    public PolicyDefinition Load() => PolicyJson.Load(_path);

    [Benchmark(Description = "PolicyCompiler.Validate")]
    public int Validate() => PolicyCompiler.Validate(_definition, _schema).Count;

    [Benchmark(Description = "file to compiled policy")]
    public CompiledPolicy<OperationRequest> LoadAndCompile() => PolicyCompiler.Compile(PolicyJson.Load(_path), _schema);
}
