namespace Hub.Domain.Tickets;

/// <summary>The monitoring alert a ticket was opened for.</summary>
/// <param name="Identity">The source's stable id of the alert (e.g. Alertmanager fingerprint); repeated firings carry the same one.</param>
/// <param name="Links">Named URLs: runbook, dashboard, silence, generator.</param>
public sealed record AlertInfo(
    string Identity,
    string Source,
    int FiringCount,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset? ResolvedAt = null,
    IReadOnlyDictionary<string, string>? Labels = null,
    IReadOnlyDictionary<string, string>? Annotations = null,
    IReadOnlyDictionary<string, string>? Links = null,
    string? Service = null)
{
    public IReadOnlyDictionary<string, string> Labels { get; init; } = Labels ?? new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = Annotations ?? new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Links { get; init; } = Links ?? new Dictionary<string, string>();
}
