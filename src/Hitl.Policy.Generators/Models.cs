using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Hitl.Policy.Generators;

/// <summary>How a member's value becomes what the schema and the reader return.</summary>
internal enum ValueKind
{
    /// <summary>A <c>double</c>, returned as it is.</summary>
    Double,

    /// <summary>A <c>float</c>, <c>int</c>, <c>long</c> or <c>decimal</c>, cast to <c>double</c>.</summary>
    NumberCast,

    /// <summary>A <c>string</c>.</summary>
    Text,

    /// <summary>A <c>Hitl.Policy.Reversibility</c>.</summary>
    Reversibility,

    /// <summary>A <c>bool</c>.</summary>
    Flag,

    /// <summary>A <c>bool?</c>.</summary>
    OptionalFlag,
}

/// <summary>One type declaration to re-declare partial: its keyword (<c>class</c>, <c>record struct</c>, ...) and name.</summary>
internal sealed record TypeDeclaration(string Keyword, string Name);

/// <summary>A valid signal member: the signal's name, the member's (escaped) name and how its value is read.</summary>
internal sealed record SignalMember(string Signal, string Member, ValueKind Kind);

/// <summary>A location without syntax trees, so that a model holding it stays equatable.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location) =>
        location is { IsInSource: true } ? new LocationInfo(location.SourceTree!.FilePath, location.SourceSpan, location.GetLineSpan().Span) : null;

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}

/// <summary>A diagnostic to report: the descriptor's id, where, and the message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments);

/// <summary>
/// Everything the generator needs about one <c>[HitlSignals]</c> type, with value equality and no symbol, so that an
/// edit elsewhere leaves it equal and the output cached. <c>ReadsOnlyStorage</c>: every signal member is a field or an
/// auto-property, whose reads cannot throw, so the schema declares that with <c>WithGeneratedReader</c>.
/// </summary>
internal sealed record HostModel(
    string? Namespace,
    EquatableArray<TypeDeclaration> Containers,
    TypeDeclaration Host,
    string FullName,
    string HintName,
    EquatableArray<SignalMember> Standard,
    EquatableArray<SignalMember> Fields,
    EquatableArray<DiagnosticInfo> Diagnostics,
    bool ReadsOnlyStorage);
