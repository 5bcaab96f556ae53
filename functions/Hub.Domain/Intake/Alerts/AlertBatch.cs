namespace Hub.Domain.Intake.Alerts;

/// <summary>One webhook delivery, normalized.</summary>
/// <param name="DeliveryKey">Equal for an exact repeat of a delivery, different when its content changed: the key for
/// suppressing duplicate deliveries (docs/alerts.md lists how each format builds it).</param>
/// <param name="TruncatedAlerts">Alerts the sender left out of this delivery (Alertmanager/Grafana <c>truncatedAlerts</c>).</param>
public sealed record AlertBatch(string Format, string DeliveryKey, IReadOnlyList<NormalizedAlert> Alerts, int TruncatedAlerts);
