using System.Globalization;
using System.Text.Json.Serialization;

namespace Hitl.Policy.Definition;

/// <summary>A constant in a condition: a number, a text or a flag.</summary>
[JsonConverter(typeof(Json.ScalarValueConverter))]
public readonly struct ScalarValue : IEquatable<ScalarValue>
{
    private ScalarValue(FieldType kind, double number, string? text, bool flag)
    {
        Kind = kind;
        Number = number;
        Text = text;
        Flag = flag;
    }

    /// <summary>The kind of constant: <see cref="FieldType.Number"/>, <see cref="FieldType.Text"/> or <see cref="FieldType.Flag"/>.</summary>
    public FieldType Kind { get; }

    /// <summary>The number, when <see cref="Kind"/> is <see cref="FieldType.Number"/>.</summary>
    public double Number { get; }

    /// <summary>The text, when <see cref="Kind"/> is <see cref="FieldType.Text"/>.</summary>
    public string? Text { get; }

    /// <summary>The flag, when <see cref="Kind"/> is <see cref="FieldType.Flag"/>.</summary>
    public bool Flag { get; }

    /// <summary>A number constant.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The constant.</returns>
    public static ScalarValue FromNumber(double value) => new(FieldType.Number, value, null, false);

    /// <summary>A text constant.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The constant.</returns>
    public static ScalarValue FromText(string value) => new(FieldType.Text, double.NaN, value ?? throw new ArgumentNullException(nameof(value)), false);

    /// <summary>A flag constant.</summary>
    /// <param name="value">The flag.</param>
    /// <returns>The constant.</returns>
    public static ScalarValue FromFlag(bool value) => new(FieldType.Flag, double.NaN, null, value);

    /// <summary>Converts a number.</summary>
    /// <param name="value">The number.</param>
    public static implicit operator ScalarValue(double value) => FromNumber(value);

    /// <summary>Converts a text.</summary>
    /// <param name="value">The text.</param>
    public static implicit operator ScalarValue(string value) => FromText(value);

    /// <summary>Converts a flag.</summary>
    /// <param name="value">The flag.</param>
    public static implicit operator ScalarValue(bool value) => FromFlag(value);

    /// <inheritdoc />
    public bool Equals(ScalarValue other) => Kind == other.Kind && Kind switch
    {
        FieldType.Number => Number.Equals(other.Number),
        FieldType.Flag => Flag == other.Flag,
        _ => string.Equals(Text, other.Text, StringComparison.Ordinal),
    };

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ScalarValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Number, Text, Flag);

    /// <summary>Equality.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>Whether equal.</returns>
    public static bool operator ==(ScalarValue left, ScalarValue right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    /// <returns>Whether different.</returns>
    public static bool operator !=(ScalarValue left, ScalarValue right) => !left.Equals(right);

    /// <summary>The constant as it would be written in JSON.</summary>
    /// <returns>For example <c>1000</c>, <c>"health"</c> or <c>true</c>.</returns>
    public override string ToString() => Kind switch
    {
        FieldType.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        FieldType.Flag => Flag ? "true" : "false",
        _ => "\"" + Text + "\"",
    };
}
