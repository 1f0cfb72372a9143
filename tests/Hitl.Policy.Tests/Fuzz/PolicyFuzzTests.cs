using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Hitl.Policy.Definition;
using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Fuzz;

/// <summary>
/// Issue 10: thousands of mutants of the sample policies per run, from a fixed seed with a PRNG of our own (the same
/// mutants in every process and on every machine). Each mutant is either refused with a <see cref="PolicyValidationException"/>
/// or accepted; an accepted one must route, serialize, and load again from its serialized text to an equivalent policy.
/// </summary>
public partial class PolicyFuzzTests
{
    private const ulong Seed = 0x4849_544C_2D46_555AUL;
    private const int MutantsPerSample = 1_400;

    /// <summary>Values a hostile or careless editor puts where a value was.</summary>
    private static readonly string[] Replacements =
    [
        "7", "\"0\"", "1e309", "-1e309", "null", "\"reversibility\"", "-1", "0", "\"\"", "[]", "{}", "true", "false", "\"review\"",
        "\"auto-execute\"", "0.5", "1e-320", "42", "\"2\"", "\" review\"", "\"Review\"", "\"PT0S\"", "\"P99999999999999D\"", "\"-PT1H\"",
        "\"\\ud800\"", "\"hitl:x\"", "[1e308, 1e308]", "{\"field\": \"amount\", \"gt\": 1e309}", "{\"all\": []}", "{\"not\": {}}",
        "1.7976931348623157e308", "9223372036854775808", "-0", "\"\\u0000\"", Nest(80), Nest(20), "\"number\"", "\"flag\"", "\"text\"",
    ];

    /// <summary>Numbers a policy could well hold, so that more mutants are accepted and go on to route, serialize and reload.</summary>
    private static readonly string[] Plausible = ["0", "0.05", "0.25", "0.5", "0.75", "0.9", "0.99", "1", "2", "3", "10", "1000", "250000", "1e6"];

    private static readonly string[] Names =
    [
        "route", "type", "field", "gt", "gte", "lt", "lte", "eq", "ne", "in", "between", "all", "any", "not", "min", "max", "weight",
        "factors", "thresholds", "atLeast", "below", "tier", "approvals", "deadline", "onTimeout", "rate", "mode", "default",
        "signalDefaults", "sensitive", "vulnerable", "reversibility", "irreversible", "costlyToReverse", "fields", "rules", "when", "then",
    ];

    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Repo.File("samples", "policies"), "*.json")
                     .Concat(Directory.GetDirectories(Repo.File("samples")).SelectMany(d => Directory.GetFiles(d, "*.json")))
                     .Where(p => !Path.GetFileName(p).Equals("TESTS.json", StringComparison.OrdinalIgnoreCase) && !Path.GetFileName(p).StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Repo.Root, path).Replace('\\', '/'));
        }

        return data;
    }

    [Fact]
    public void There_are_samples_to_mutate() => Assert.True(Samples().Count >= 4, string.Join(", ", Samples()));

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_mutant_is_refused_with_a_validation_error_or_routes_serializes_and_reloads(string sample)
    {
        var original = File.ReadAllBytes(Repo.File(sample.Split('/')));
        Assert.Empty(PolicyCompiler.Validate(PolicyJson.Parse(original)));
        var random = new SplitMix64(Seed ^ Fnv(sample));
        var failures = new List<string>();
        int accepted = 0, refused = 0;
        for (var n = 0; n < MutantsPerSample; n++)
        {
            var (mutant, how) = Mutate(original, ref random);
            try
            {
                if (Check(mutant))
                {
                    accepted++;
                }
                else
                {
                    refused++;
                }
            }
            catch (Exception ex)
            {
                failures.Add($"mutant {n} ({how}): {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {MutantsPerSample} mutants of {sample} failed:{Environment.NewLine}" + string.Join(Environment.NewLine, failures.Take(15)));
        Assert.True(accepted > 10 && refused > MutantsPerSample / 4, $"{accepted} accepted, {refused} refused: the mutants should exercise both");
    }

    [Fact]
    public void The_mutants_are_the_same_in_every_run()
    {
        var original = Encoding.UTF8.GetBytes("""{ "id": "p", "version": "1", "defaults": { "route": "review" } }""");
        var a = new SplitMix64(Seed);
        var b = new SplitMix64(Seed);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(Convert.ToHexString(Mutate(original, ref a).Mutant), Convert.ToHexString(Mutate(original, ref b).Mutant));
        }

        // Pinned: a change of the PRNG or the mutators shows here rather than as a silently different corpus.
        var c = new SplitMix64(1);
        Assert.Equal(0x910A2DEC89025CC1UL, c.Next());
    }

    /// <summary>True when accepted (and then routed, serialized and reloaded to the same policy); false when refused.</summary>
    private static bool Check(byte[] mutant)
    {
        PolicyDefinition definition;
        CompiledPolicy<Signals> policy;
        try
        {
            definition = PolicyJson.Parse(mutant);
            if (PolicyCompiler.Validate(definition).Count > 0)
            {
                Assert.Throws<PolicyValidationException>(() => PolicyCompiler.Compile(definition, Signals.SchemaFor(definition)));
                return false;
            }

            policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        }
        catch (PolicyValidationException ex)
        {
            Assert.NotEmpty(ex.Errors);
            return false;
        }

        var contexts = Contexts(definition).ToArray();
        var decisions = contexts.Select(c => policy.Route(c)).ToArray();
        foreach (var decision in decisions)
        {
            if ((decision.Flags & (DecisionFlags.InvalidSignal | DecisionFlags.RuleFault)) != 0)
            {
                Assert.False(decision.MayAutoExecute, decision.ToString());
            }
        }

        var text = PolicyJson.Serialize(definition);
        var reloaded = PolicyJson.Parse(text);
        Assert.Empty(PolicyCompiler.Validate(reloaded));
        Assert.Equal(text, PolicyJson.Serialize(reloaded));
        var again = PolicyCompiler.Compile(reloaded, Signals.SchemaFor(reloaded));
        for (var i = 0; i < contexts.Length; i++)
        {
            Assert.Equal(decisions[i], again.Route(contexts[i]));
        }

        return true;
    }

    /// <summary>A few contexts per action type: clean, risky, and with everything left out.</summary>
    private static IEnumerable<Signals> Contexts(PolicyDefinition definition)
    {
        var actions = (definition.Actions?.Keys ?? Enumerable.Empty<string>()).Take(6).Append("unknown.action");
        foreach (var action in actions)
        {
            yield return new Signals { ActionType = action };
            var clean = new Signals
            {
                ActionType = action, RequestId = "req-1", Confidence = 0.97, Evidence = 0.95, Risk = 0.05, Amount = 10, Category = "retail",
                Reversibility = Reversibility.Reversible, Sensitive = false, Vulnerable = false,
            };
            var risky = new Signals
            {
                ActionType = action, RequestId = "req-2", Confidence = 0.2, Evidence = 0.1, Risk = 0.95, Amount = 1e7, Category = "legal",
                Reversibility = Reversibility.Irreversible, Sensitive = true, Vulnerable = true,
            };
            foreach (var (name, field) in definition.Fields ?? [])
            {
                switch (field?.Type)
                {
                    case FieldType.Number:
                        clean.Numbers[name] = field.Min ?? 0;
                        risky.Numbers[name] = field.Max ?? 1e6;
                        break;
                    case FieldType.Text:
                        clean.Texts[name] = "retail";
                        risky.Texts[name] = "shell";
                        break;
                    case FieldType.Flag:
                        clean.Flags[name] = false;
                        risky.Flags[name] = true;
                        break;
                }
            }

            yield return clean;
            yield return risky;
        }
    }

    private static (byte[] Mutant, string How) Mutate(byte[] original, ref SplitMix64 random)
    {
        var steps = random.Below(4) switch { 0 or 1 => 1, 2 => 2, _ => 3 };
        var bytes = original;
        var how = new StringBuilder();
        for (var s = 0; s < steps; s++)
        {
            var kind = random.Below(8);
            how.Append(s > 0 ? "+" : "");
            switch (kind)
            {
                case 0:
                {
                    bytes = (byte[])bytes.Clone();
                    var at = random.Below(bytes.Length);
                    bytes[at] = (byte)random.Below(256);
                    how.Append(CultureInfo.InvariantCulture, $"flip@{at}");
                    break;
                }

                case 1 or 2 or 3:
                {
                    var text = Encoding.UTF8.GetString(bytes);
                    var tokens = Token().Matches(text);
                    if (tokens.Count == 0)
                    {
                        break;
                    }

                    var token = tokens[random.Below(tokens.Count)];
                    var isString = token.Value.StartsWith('"');
                    var replacement = kind == 3 && isString ? "\"" + Names[random.Below(Names.Length)] + "\""
                        : kind == 2 && !isString ? Plausible[random.Below(Plausible.Length)]
                        : Replacements[random.Below(Replacements.Length)];
                    bytes = Encoding.UTF8.GetBytes(string.Concat(text.AsSpan(0, token.Index), replacement, text.AsSpan(token.Index + token.Length)));
                    how.Append(CultureInfo.InvariantCulture, $"replace@{token.Index}:{replacement[..Math.Min(12, replacement.Length)]}");
                    break;
                }

                case 4:
                {
                    // Invalid UTF-8 inside a string or a property name.
                    var quotes = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] == (byte)'"').ToArray();
                    var at = quotes.Length == 0 ? random.Below(bytes.Length) : quotes[random.Below(quotes.Length)] + 1;
                    byte[][] bad = [[0xFF], [0xC0, 0x80], [0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]];
                    var insert = bad[random.Below(bad.Length)];
                    bytes = [.. bytes.AsSpan(0, at), .. insert, .. bytes.AsSpan(at)];
                    how.Append(CultureInfo.InvariantCulture, $"utf8@{at}");
                    break;
                }

                case 5:
                {
                    var at = random.Below(bytes.Length);
                    bytes = bytes[..at];
                    how.Append(CultureInfo.InvariantCulture, $"truncate@{at}");
                    break;
                }

                case 6:
                {
                    var at = random.Below(bytes.Length);
                    var length = Math.Min(bytes.Length - at, 1 + random.Below(40));
                    bytes = [.. bytes.AsSpan(0, at), .. bytes.AsSpan(at + length)];
                    how.Append(CultureInfo.InvariantCulture, $"delete@{at}+{length}");
                    break;
                }

                default:
                {
                    var at = random.Below(bytes.Length);
                    var length = Math.Min(bytes.Length - at, 1 + random.Below(60));
                    var to = random.Below(bytes.Length);
                    bytes = [.. bytes.AsSpan(0, to), .. bytes.AsSpan(at, length), .. bytes.AsSpan(to)];
                    how.Append(CultureInfo.InvariantCulture, $"copy@{at}+{length}->{to}");
                    break;
                }
            }

            if (bytes.Length == 0)
            {
                break;
            }
        }

        return (bytes, how.ToString());
    }

    private static string Nest(int depth) => new string('[', depth) + "1" + new string(']', depth);

    /// <summary>FNV-1a of the name: a stable per-sample seed (string.GetHashCode differs per process).</summary>
    private static ulong Fnv(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?|true|false|null")]
    private static partial Regex Token();

    /// <summary>SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same sequence everywhere.</summary>
    private struct SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public int Below(int bound) => bound <= 0 ? 0 : (int)(Next() % (ulong)bound);
    }
}
