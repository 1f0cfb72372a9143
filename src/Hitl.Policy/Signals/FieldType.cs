using System.Text.Json.Serialization;

namespace Hitl.Policy;

/// <summary>The type of a signal or host-defined field.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FieldType>))]
public enum FieldType : byte
{
    /// <summary>A finite number (double).</summary>
    [JsonStringEnumMemberName("number")]
    Number = 0,

    /// <summary>A text value, compared ordinally.</summary>
    [JsonStringEnumMemberName("text")]
    Text = 1,

    /// <summary>A yes/no value.</summary>
    [JsonStringEnumMemberName("flag")]
    Flag = 2,

    /// <summary>A <see cref="Policy.Reversibility"/> value (only the standard <c>reversibility</c> signal).</summary>
    [JsonStringEnumMemberName("reversibility")]
    Reversibility = 3,
}
