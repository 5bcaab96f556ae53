using Hub.Domain.Configuration;

namespace Hub.Domain.Intake.Alerts;

/// <summary>Finishes a normalized alert: severity through the intake policy, and the content digest.</summary>
internal static class AlertFactory
{
    public static NormalizedAlert Create(
        string identity,
        AlertStatus status,
        string title,
        string? description,
        string? severity,
        DateTimeOffset? startsAt,
        DateTimeOffset? endsAt,
        IReadOnlyDictionary<string, string> labels,
        IReadOnlyDictionary<string, string> annotations,
        IReadOnlyDictionary<string, string> links,
        string? service,
        AlertIntakeDefinition policy)
    {
        SeverityMapping? matched = severity is null
            ? null
            : policy.Severities.FirstOrDefault(m => string.Equals(m.Severity, severity, StringComparison.OrdinalIgnoreCase));
        SeverityMapping mapping = matched ?? policy.DefaultSeverity;

        // An unknown severity keeps the sender's word (an operator should see what the monitor said) but is ranked by the default.
        string spelled = matched?.Severity ?? severity ?? policy.DefaultSeverity.Severity;

        string digest = new Canonical()
            .Add(status.ToString())
            .Add(labels)
            .Add(annotations)
            .Add(startsAt)
            .Add(endsAt)
            .Sha256();

        return new NormalizedAlert(
            identity, status, title, description, spelled, mapping.Priority, mapping.Classification,
            startsAt, endsAt, labels, annotations, links, service, digest);
    }
}
