using Microsoft.CodeAnalysis;

namespace Hitl.Policy.Generators;

/// <summary>The diagnostics of the <c>[HitlSignals]</c> generator: all errors, since the generator writes nothing then.</summary>
internal static class HitlDiagnostics
{
    public const string Category = "Hitl.Policy";

    public const string NotPartialId = "HITL001";
    public const string WrongTypeId = "HITL002";
    public const string DuplicateSignalId = "HITL003";
    public const string NoActionId = "HITL004";
    public const string EmptyNameId = "HITL005";
    public const string UnreadableMemberId = "HITL006";
    public const string GenericTypeId = "HITL007";

    /// <summary>{0}: the [HitlSignals] type; {1}: the type that is not partial (it or one containing it).</summary>
    public static readonly DiagnosticDescriptor NotPartial = Error(
        NotPartialId,
        "[HitlSignals] type must be partial",
        "'{1}' must be declared partial: the generator adds a SignalReader and a Schema to the [HitlSignals] type '{0}', which needs it and every type containing it partial");

    /// <summary>{0}: the type; {1}: the member; {2}: the member's type; {3}: the signal; {4}: what fits.</summary>
    public static readonly DiagnosticDescriptor WrongType = Error(
        WrongTypeId,
        "Signal member has a type that does not fit its signal",
        "'{0}.{1}' is of type '{2}', which cannot carry signal '{3}': {4}");

    /// <summary>{0}: the type; {1}: the member; {2}: the signal; {3}: the member that claimed it first.</summary>
    public static readonly DiagnosticDescriptor DuplicateSignal = Error(
        DuplicateSignalId,
        "Two members claim the same signal",
        "'{0}.{1}' claims signal '{2}', which '{0}.{3}' already claims; each signal is read from one member");

    /// <summary>{0}: the type.</summary>
    public static readonly DiagnosticDescriptor NoAction = Error(
        NoActionId,
        "No member is marked as the action signal",
        "'{0}' has no member marked [Signal(\"action\")]; a policy cannot be compiled without the action type, so mark the member that holds it");

    /// <summary>{0}: the type; {1}: the member; {2}: the name as written.</summary>
    public static readonly DiagnosticDescriptor EmptyName = Error(
        EmptyNameId,
        "Signal name is empty",
        "'{0}.{1}' has the signal name {2}, which is empty or white space; name the signal, for example [Signal(\"confidence\")]");

    /// <summary>{0}: the type; {1}: the member; {2}: the signal; {3}: why it cannot be read.</summary>
    public static readonly DiagnosticDescriptor UnreadableMember = Error(
        UnreadableMemberId,
        "Signal member cannot be read from an instance",
        "'{0}.{1}' cannot be read as signal '{2}': {3}");

    /// <summary>{0}: the type; {1}: the generic type (it or one containing it).</summary>
    public static readonly DiagnosticDescriptor GenericType = Error(
        GenericTypeId,
        "Generic [HitlSignals] types are not supported",
        "[HitlSignals] does not support generic types, and '{1}' is generic; declare '{0}' as a non-generic type outside generic types");

    public static DiagnosticDescriptor? ById(string id) => id switch
    {
        NotPartialId => NotPartial,
        WrongTypeId => WrongType,
        DuplicateSignalId => DuplicateSignal,
        NoActionId => NoAction,
        EmptyNameId => EmptyName,
        UnreadableMemberId => UnreadableMember,
        GenericTypeId => GenericType,
        _ => null,
    };

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
