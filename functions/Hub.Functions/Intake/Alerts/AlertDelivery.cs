using Hub.Domain.Intake.Alerts;

namespace Hub.Functions.Intake.Alerts;

/// <summary>A verified, parsed alert delivery as it travels on the work queue.</summary>
public sealed record AlertDelivery(string Format, DateTimeOffset ReceivedAt, IReadOnlyList<NormalizedAlert> Alerts);
