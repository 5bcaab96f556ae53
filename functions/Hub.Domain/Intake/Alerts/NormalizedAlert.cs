using Hub.Domain.Configuration;

namespace Hub.Domain.Intake.Alerts;

/// <summary>An alert from any supported monitoring format, in one shape.</summary>
/// <param name="Identity">"&lt;format&gt;:&lt;fingerprint | alertId | dedup_key&gt;", stable across deliveries of the same alert.</param>
/// <param name="Severity">The sender's severity, spelled as the matching policy entry when one matches.</param>
/// <param name="Links">Named URLs: runbook_url, generatorURL, dashboardURL, PagerDuty links, Azure investigation links.</param>
/// <param name="Service">The <c>service</c> label (PagerDuty: the component).</param>
/// <param name="ContentDigest">SHA-256 hex of status, labels, annotations, StartsAt and EndsAt.</param>
public sealed record NormalizedAlert(
    string Identity,
    AlertStatus Status,
    string Title,
    string? Description,
    string Severity,
    int Priority,
    AlertClassification Classification,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    IReadOnlyDictionary<string, string> Links,
    string? Service,
    string ContentDigest);
