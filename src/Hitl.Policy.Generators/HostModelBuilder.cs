using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hitl.Policy.Generators;

/// <summary>Turns a <c>[HitlSignals]</c> type into its <see cref="HostModel"/>: the valid signals and the diagnostics.</summary>
internal static class HostModelBuilder
{
    private const string NumberTypes = "double, float, int, long or decimal";
    private const string FlagTypes = "bool or bool?";

    /// <summary>The standard signals in the order of <c>StandardSignals</c>, with the kind of value each one takes.</summary>
    private static readonly (string Name, string Kind)[] StandardSignals =
    [
        ("action", "text"), ("requestId", "text"), ("confidence", "number"), ("risk", "number"), ("evidence", "number"),
        ("amount", "number"), ("category", "text"), ("reversibility", "reversibility"), ("sensitive", "flag"), ("vulnerable", "flag"),
    ];

    public static HostModel? Build(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration)
        {
            return null;
        }

        var diagnostics = new List<DiagnosticInfo>();
        var typeName = type.ToDisplayString();
        var identifier = LocationInfo.From(declaration.Identifier.GetLocation());

        // HITL001: the type and every type containing it must be partial (checked on the declaration carrying the attribute).
        for (var node = declaration; node is not null; node = node.Parent as TypeDeclarationSyntax)
        {
            if (!node.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                var offending = ReferenceEquals(node, declaration) ? type : context.SemanticModel.GetDeclaredSymbol(node, cancellationToken);
                diagnostics.Add(Diagnostic(HitlDiagnostics.NotPartialId, LocationInfo.From(node.Identifier.GetLocation()),
                    typeName, offending?.ToDisplayString() ?? node.Identifier.ValueText));
            }
        }

        // HITL007: no generic type, nor a type inside one.
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.TypeParameters.Length > 0)
            {
                diagnostics.Add(Diagnostic(HitlDiagnostics.GenericTypeId, identifier, typeName, t.ToDisplayString()));
                break;
            }
        }

        var claimed = new Dictionary<string, string>(System.StringComparer.Ordinal);
        var standard = new SignalMember?[StandardSignals.Length];
        var fields = new List<SignalMember>();
        var hasErrorType = false;
        var readsOnlyStorage = true;
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is not (IFieldSymbol or IPropertySymbol) || SignalAttribute(member) is not { } attribute)
            {
                continue;
            }

            // [field: Signal(...)] on an auto-property lands on its backing field: read the property.
            var memberName = member is IFieldSymbol { AssociatedSymbol: IPropertySymbol associated } ? associated.Name : member.Name;
            var where = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation())
                ?? LocationInfo.From(member.Locations.FirstOrDefault());
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error)
            {
                continue; // The compiler reports the malformed attribute.
            }

            var name = attribute.ConstructorArguments[0].Value as string;
            if (string.IsNullOrWhiteSpace(name))
            {
                var written = name is null ? "null" : SymbolDisplay.FormatLiteral(name, quote: true);
                diagnostics.Add(Diagnostic(HitlDiagnostics.EmptyNameId, where, typeName, memberName, written));
                continue;
            }

            var signal = name!;
            var problem = member switch
            {
                { IsStatic: true } => "it is static; signals are read from an instance of the type",
                IPropertySymbol { IsIndexer: true } => "it is an indexer; mark a field or a property without parameters",
                IPropertySymbol { GetMethod: null } => "it has no getter; give the property a get accessor",
                _ => null,
            };
            if (problem is not null)
            {
                diagnostics.Add(Diagnostic(HitlDiagnostics.UnreadableMemberId, where, typeName, memberName, signal, problem));
                continue;
            }

            if (claimed.TryGetValue(signal, out var first))
            {
                diagnostics.Add(Diagnostic(HitlDiagnostics.DuplicateSignalId, where, typeName, memberName, signal, first));
                continue;
            }

            claimed.Add(signal, memberName);
            var valueType = member is IFieldSymbol field ? field.Type : ((IPropertySymbol)member).Type;
            if (valueType.TypeKind == TypeKind.Error)
            {
                hasErrorType = true; // The compiler reports the unknown type.
                continue;
            }

            var kind = KindOf(valueType);
            var index = System.Array.FindIndex(StandardSignals, s => s.Name == signal);
            var expected = index >= 0 ? StandardSignals[index].Kind : null;
            var fits = expected switch
            {
                "text" => kind == ValueKind.Text,
                "number" => kind is ValueKind.Double or ValueKind.NumberCast,
                "reversibility" => kind == ValueKind.Reversibility,
                "flag" => kind is ValueKind.Flag or ValueKind.OptionalFlag,
                _ => kind is not null and not ValueKind.Reversibility,
            };
            if (!fits)
            {
                var allowed = expected switch
                {
                    "text" => $"the standard signal '{signal}' is a text, read from a string",
                    "number" => $"the standard signal '{signal}' is a number, read from a {NumberTypes}",
                    "reversibility" => $"the standard signal '{signal}' is read from a Hitl.Policy.Reversibility",
                    "flag" => $"the standard signal '{signal}' is a flag, read from a {FlagTypes}",
                    _ => $"a host field is a number ({NumberTypes}), a text (string) or a flag ({FlagTypes})",
                };
                diagnostics.Add(Diagnostic(HitlDiagnostics.WrongTypeId, where, typeName, memberName,
                    valueType.ToDisplayString(), signal, allowed));
                continue;
            }

            readsOnlyStorage &= member is IFieldSymbol || IsAutoProperty(type, (IPropertySymbol)member);
            var signalMember = new SignalMember(signal, Escape(memberName), kind!.Value);
            if (index >= 0)
            {
                standard[index] = signalMember;
            }
            else
            {
                fields.Add(signalMember);
            }
        }

        if (!claimed.ContainsKey("action"))
        {
            diagnostics.Add(Diagnostic(HitlDiagnostics.NoActionId, identifier, typeName));
        }

        if (hasErrorType && diagnostics.Count == 0)
        {
            return null;
        }

        var containers = new List<TypeDeclaration>();
        for (var t = type.ContainingType; t is not null; t = t.ContainingType)
        {
            containers.Insert(0, Declaration(t));
        }

        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        var hint = string.Join(".", new[] { ns }.Concat(containers.Select(c => c.Name)).Append(type.Name).Where(s => s is not null))
            + ".HitlSignals.g.cs";
        return new HostModel(
            ns,
            new EquatableArray<TypeDeclaration>([.. containers]),
            Declaration(type),
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            hint.Replace("@", ""),
            new EquatableArray<SignalMember>([.. standard.Where(s => s is not null).Select(s => s!)]),
            new EquatableArray<SignalMember>([.. fields]),
            new EquatableArray<DiagnosticInfo>([.. diagnostics]),
            readsOnlyStorage);
    }

    /// <summary>
    /// Whether a property only returns its compiler-generated backing field (an auto-property, or a record's positional
    /// property), so that reading it cannot throw.
    /// </summary>
    private static bool IsAutoProperty(INamedTypeSymbol type, IPropertySymbol property)
    {
        foreach (var candidate in type.GetMembers())
        {
            if (candidate is IFieldSymbol { IsImplicitlyDeclared: true } field
                && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property))
            {
                return true;
            }
        }

        return false;
    }

    private static AttributeData? SignalAttribute(ISymbol member)
    {
        foreach (var attribute in member.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "SignalAttribute" } attributeClass && IsHitlPolicy(attributeClass.ContainingNamespace))
            {
                return attribute;
            }
        }

        return null;
    }

    private static bool IsHitlPolicy(INamespaceSymbol? ns) =>
        ns is { Name: "Policy", ContainingNamespace: { Name: "Hitl", ContainingNamespace.IsGlobalNamespace: true } };

    private static ValueKind? KindOf(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Double:
                return ValueKind.Double;
            case SpecialType.System_Single or SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Decimal:
                return ValueKind.NumberCast;
            case SpecialType.System_String:
                return ValueKind.Text;
            case SpecialType.System_Boolean:
                return ValueKind.Flag;
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            && nullable.TypeArguments[0].SpecialType == SpecialType.System_Boolean)
        {
            return ValueKind.OptionalFlag;
        }

        if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, Name: "Reversibility" } e && IsHitlPolicy(e.ContainingNamespace))
        {
            return ValueKind.Reversibility;
        }

        return null;
    }

    private static TypeDeclaration Declaration(INamedTypeSymbol type)
    {
        var keyword = (type.IsRecord, type.TypeKind) switch
        {
            (true, TypeKind.Struct) => "record struct",
            (true, _) => "record",
            (_, TypeKind.Struct) => "struct",
            (_, TypeKind.Interface) => "interface",
            _ => "class",
        };
        return new TypeDeclaration(keyword, Escape(type.Name));
    }

    private static string Escape(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static DiagnosticInfo Diagnostic(string id, LocationInfo? location, params string[] arguments) =>
        new(id, location, new EquatableArray<string>(arguments));
}
