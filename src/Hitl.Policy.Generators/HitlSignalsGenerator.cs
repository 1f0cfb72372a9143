using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Hitl.Policy.Generators;

/// <summary>
/// Writes, for every <c>[HitlSignals]</c> type, a nested <c>SignalReader</c> (the <c>ISignalReader</c> that reads its
/// standard signals with static methods) and a static <c>Schema</c> (every <c>[Signal]</c> member as an accessor, with
/// the reader attached).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class HitlSignalsGenerator : IIncrementalGenerator
{
    /// <summary>The tracking name of the step that turns a <c>[HitlSignals]</c> type into its model.</summary>
    public const string HostStep = "HitlSignalsHost";

    private const string AttributeName = "Hitl.Policy.HitlSignalsAttribute";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var hosts = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeName,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                HostModelBuilder.Build)
            .WithTrackingName(HostStep);

        context.RegisterSourceOutput(hosts, static (output, host) =>
        {
            if (host is null)
            {
                return;
            }

            foreach (var info in host.Diagnostics)
            {
                output.ReportDiagnostic(Diagnostic.Create(
                    HitlDiagnostics.ById(info.Id)!, info.Location?.ToLocation(), [.. info.Arguments]));
            }

            if (host.Diagnostics.Count == 0)
            {
                output.AddSource(host.HintName, SourceText.From(SourceWriter.Write(host), Encoding.UTF8));
            }
        });
    }
}
