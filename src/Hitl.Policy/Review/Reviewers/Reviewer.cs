namespace Hitl.Policy.Review;

/// <summary>A person who may act on cases.</summary>
/// <param name="Id">The reviewer's id, as recorded in the audit trail.</param>
/// <param name="Tier">The reviewer tier, by name from the policy's tiers (for example <c>senior</c>).</param>
/// <param name="Roles">The roles held, for example <c>reviewer</c> and <c>operator</c>.</param>
public sealed record Reviewer(string Id, string Tier, IReadOnlySet<string> Roles)
{
    /// <summary>Creates a reviewer with the given roles.</summary>
    /// <param name="id">The reviewer's id.</param>
    /// <param name="tier">The tier name.</param>
    /// <param name="roles">The roles.</param>
    /// <returns>The reviewer.</returns>
    public static Reviewer Create(string id, string tier, params string[] roles) =>
        new(id, tier, new HashSet<string>(roles, StringComparer.Ordinal));

    /// <summary>Whether the reviewer holds a role.</summary>
    /// <param name="role">The role.</param>
    /// <returns><see langword="true"/> when held.</returns>
    public bool HasRole(string role) => Roles.Contains(role);
}
