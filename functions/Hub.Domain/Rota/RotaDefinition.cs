namespace Hub.Domain.Rota;

/// <summary>
/// An on-call rota: members take turns in daily or weekly shifts that change hands at <paramref name="Handover"/>
/// local time, counted from <paramref name="Start"/> (the first shift's date, its weekday the handover day for weekly
/// shifts). Overrides replace the scheduled person for a period.
/// </summary>
/// <param name="TeamLead">The lead of members who name none; the escalation chain's second level.</param>
/// <param name="Manager">The escalation chain's third level.</param>
public sealed record RotaDefinition(
    string Name,
    TimeZoneInfo TimeZone,
    ShiftLength Shift,
    TimeOnly Handover,
    DateOnly Start,
    IReadOnlyList<RotaMember> Members,
    IReadOnlyList<RotaOverride> Overrides,
    string TeamLead,
    string Manager)
{
    public RotaMember? Member(string nameOrAddress) => Members.FirstOrDefault(m => m.Is(nameOrAddress));

    /// <summary>The lead of <paramref name="member"/>: their own, else the rota's team lead.</summary>
    public string LeadOf(RotaMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return member.Lead ?? TeamLead;
    }
}

public enum ShiftLength
{
    Daily,
    Weekly,
}

/// <summary>A person on a rota: <paramref name="Name"/> is the API caller name they act with.</summary>
public sealed record RotaMember(string Name, string Address, string? Lead = null)
{
    public bool Is(string? nameOrAddress) =>
        string.Equals(Name, nameOrAddress, StringComparison.OrdinalIgnoreCase) || string.Equals(Address, nameOrAddress, StringComparison.OrdinalIgnoreCase);
}

/// <summary><paramref name="Member"/> (a member name) is on call from <paramref name="From"/> until <paramref name="To"/>.</summary>
public sealed record RotaOverride(DateTimeOffset From, DateTimeOffset To, string Member);

/// <summary>Who is on call and for how long.</summary>
public sealed record OnCallShift(RotaMember Member, DateTimeOffset From, DateTimeOffset To, bool IsOverride);
