namespace Hub.Domain.Sites;

/// <summary>
/// A named set of services run as one (the ControlTier Site). Check it with <see cref="SiteValidator.Validate"/>.
/// </summary>
/// <remarks>
/// Order rules. The startup rank of each member's service record orders the site: Start runs ascending rank, Stop
/// descending, members of equal rank keep the order they are listed in here (and Stop reverses that too). A member
/// may also state its startup dependencies in <see cref="SiteMember.After"/>; they do not reorder anything, they are
/// checked against the ranks: every service named in <c>after</c> must be a member of the site with a strictly lower
/// rank (else <c>RankOrder</c>), and dependencies must not form a cycle (else <c>Cycle</c>, with the cycle spelled
/// out). So rank alone decides the order, and <c>after</c> guards against a rank that contradicts a real dependency.
/// </remarks>
/// <param name="RecipientLists">Contact list names or addresses that receive the run notices.</param>
public sealed record Site(string Name, IReadOnlyList<SiteMember> Services, IReadOnlyList<string>? RecipientLists = null, string? Description = null)
{
    public IReadOnlyList<SiteMember> Services { get; init; } = Services ?? [];

    public IReadOnlyList<string> RecipientLists { get; init; } = RecipientLists ?? [];
}

/// <summary>A service of a site, and the members it must start after (see <see cref="Site"/> for the rules).</summary>
public sealed record SiteMember(string Service, IReadOnlyList<string>? After = null)
{
    public IReadOnlyList<string> After { get; init; } = After ?? [];
}
