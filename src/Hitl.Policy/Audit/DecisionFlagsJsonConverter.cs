using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hitl.Policy.Audit;

/// <summary>Writes <see cref="DecisionFlags"/> as kebab-case names (<c>"sampled-for-audit, kill-switch-active"</c>) so a person can read the trail.</summary>
internal sealed class DecisionFlagsJsonConverter : JsonStringEnumConverter<DecisionFlags>
{
    public DecisionFlagsJsonConverter()
        : base(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: true)
    {
    }
}
