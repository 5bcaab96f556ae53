namespace Hub.Functions.Notifications;

/// <summary>One mail on the outbox page: <see cref="State"/> is queued, or failed with the provider's <see cref="Error"/>.</summary>
public sealed record OutboxEntry(string Id, DateTimeOffset At, string State, string? Error, string Subject, IReadOnlyList<string> To, IReadOnlyList<string> Bcc, string? Kind, string Text);
