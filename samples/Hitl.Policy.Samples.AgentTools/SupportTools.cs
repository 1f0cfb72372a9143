using System.ComponentModel;
using System.Globalization;
using Hitl.Policy.AI;
using Microsoft.Extensions.AI;

namespace Hitl.Policy.Samples.AgentTools;

/// <summary>
/// The support agent's four tools, and how the policy reads their calls. The tools themselves know nothing of the
/// policy: each writes one line when it really runs, so the output shows which calls ran and when.
/// </summary>
internal sealed class SupportTools(TextWriter log)
{
    /// <summary>How agent-tools.json reads each tool's calls: the action type, the arguments it routes on, how reversible a call is.</summary>
    public static ToolSignals Signals() => new ToolSignals()
        .Tool("lookup_order", t => t.ActionType("orders.lookup").Reversibility(Reversibility.Reversible))
        .Tool("issue_refund", t => t.ActionType("refund.issue").Amount("amount").Reversibility(Reversibility.CostlyToReverse))
        .Tool("restart_service", t => t.ActionType("service.restart").Text("service.environment", "environment").Reversibility(Reversibility.Reversible))
        .Tool("delete_account", t => t.ActionType("account.delete").Reversibility(Reversibility.Irreversible));

    /// <summary>The tools as the model sees them (not gated yet).</summary>
    public IEnumerable<AIFunction> Functions()
    {
        yield return AIFunctionFactory.Create(LookupOrder, "lookup_order", "Looks an order up by its id.");
        yield return AIFunctionFactory.Create(IssueRefund, "issue_refund", "Refunds an amount of an order to the customer.");
        yield return AIFunctionFactory.Create(RestartService, "restart_service", "Restarts a service in an environment.");
        yield return AIFunctionFactory.Create(DeleteAccount, "delete_account", "Deletes a customer's account and its data.");
    }

    private string LookupOrder([Description("The order id, for example A-1001.")] string orderId) =>
        Ran("lookup_order", $"{orderId}: 1 kettle, 40.00 EUR, delivered 2 days ago");

    private string IssueRefund(
        [Description("The order id.")] string orderId,
        [Description("The amount in EUR.")] double amount,
        [Description("Why, in the customer's words.")] string reason) =>
        Ran("issue_refund", string.Create(CultureInfo.InvariantCulture, $"{amount:0.00} EUR refunded for {orderId} ({reason})"));

    private string RestartService(
        [Description("The service, for example billing.")] string service,
        [Description("staging or production.")] string environment) =>
        Ran("restart_service", $"{service} service restarted in {environment}");

    private string DeleteAccount([Description("The customer id.")] string customerId) =>
        Ran("delete_account", $"account {customerId} deleted");

    private string Ran(string tool, string result)
    {
        Lines.Write(log, "tool", $"{tool} ran: {result}");
        return result;
    }
}
