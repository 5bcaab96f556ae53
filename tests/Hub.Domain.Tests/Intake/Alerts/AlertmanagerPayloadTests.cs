using System.Text;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Alerts;

namespace Hub.Domain.Tests.Intake.Alerts;

public sealed class AlertmanagerPayloadTests
{
    // The shape of Prometheus' webhook_config documentation (version 4), as a blackbox probe alert.
    private const string Documented = """
        {
          "receiver": "sms",
          "status": "firing",
          "alerts": [
            {
              "status": "firing",
              "labels": {
                "alertname": "ProbeFailure",
                "instance": "https://server.example.org",
                "job": "http_checks",
                "monitor": "master",
                "severity": "critical"
              },
              "annotations": {
                "description": "Instance https://server.example.org has been down for over 5m. Job: http_checks",
                "summary": "BlackBox Probe Failure: https://server.example.org"
              },
              "startsAt": "2023-02-06T13:08:45.828Z",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0&g0.tab=1",
              "fingerprint": "1a30ba71cca2921f"
            }
          ],
          "groupLabels": { "alertname": "ProbeFailure" },
          "commonLabels": { "alertname": "ProbeFailure", "severity": "critical" },
          "commonAnnotations": {},
          "externalURL": "http://prometheus.example.org:9093",
          "version": "4",
          "groupKey": "{}/{severity=\"critical\"}:{alertname=\"ProbeFailure\"}",
          "truncatedAlerts": 0
        }
        """;

    [Fact]
    public void Parse_DocumentedExample_NormalizesEveryField()
    {
        string body = Documented;

        AlertBatch batch = AlertPolicies.ParseOk("alertmanager", body);

        Assert.Equal("alertmanager", batch.Format);
        Assert.Equal("{}/{severity=\"critical\"}:{alertname=\"ProbeFailure\"}:a0b53069379eeba69499fe30e89d1459c64684086d081caf0142bf397ddfa5ed", batch.DeliveryKey);
        Assert.Equal(0, batch.TruncatedAlerts);
        NormalizedAlert alert = Assert.Single(batch.Alerts);
        Assert.Equal("alertmanager:1a30ba71cca2921f", alert.Identity);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal("ProbeFailure", alert.Title);
        Assert.Equal("Instance https://server.example.org has been down for over 5m. Job: http_checks", alert.Description);
        Assert.Equal("critical", alert.Severity);
        Assert.Equal(1, alert.Priority);
        Assert.Equal(AlertClassification.Urgent, alert.Classification);
        Assert.Equal(new DateTimeOffset(2023, 2, 6, 13, 8, 45, 828, TimeSpan.Zero), alert.StartsAt);
        Assert.Null(alert.EndsAt);
        Assert.Equal(5, alert.Labels.Count);
        Assert.Equal("http_checks", alert.Labels["job"]);
        Assert.Equal("BlackBox Probe Failure: https://server.example.org", alert.Annotations["summary"]);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["generatorURL"] = "http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0&g0.tab=1",
                ["externalURL"] = "http://prometheus.example.org:9093",
            },
            alert.Links);
        Assert.Null(alert.Service);
        Assert.Equal("96d094cf084f99bc3e1d0a2d14b386669444ec42c702b7b6d5853db9a648c492", alert.ContentDigest);
    }

    [Fact]
    public void Parse_ResolvedAlert_HasResolvedStatusAndEndsAt()
    {
        string body = Documented
            .Replace("\"status\": \"firing\"", "\"status\": \"resolved\"", StringComparison.Ordinal)
            .Replace("0001-01-01T00:00:00Z", "2023-02-06T13:20:45.828Z", StringComparison.Ordinal);

        NormalizedAlert alert = Assert.Single(AlertPolicies.ParseOk("alertmanager", body).Alerts);

        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.Equal("alertmanager:1a30ba71cca2921f", alert.Identity);
        Assert.Equal(new DateTimeOffset(2023, 2, 6, 13, 20, 45, 828, TimeSpan.Zero), alert.EndsAt);
    }

    [Fact]
    public void Parse_TruncatedAlerts_IsReportedOnTheBatch()
    {
        string body = Documented.Replace("\"truncatedAlerts\": 0", "\"truncatedAlerts\": 12", StringComparison.Ordinal);

        AlertBatch batch = AlertPolicies.ParseOk("alertmanager", body);

        Assert.Equal(12, batch.TruncatedAlerts);
        Assert.Single(batch.Alerts);
    }

    [Fact]
    public void Parse_NanosecondsAndOffset_KeepsTheInstant()
    {
        string body = Documented.Replace("2023-02-06T13:08:45.828Z", "2018-08-03T09:52:26.739266876+02:00", StringComparison.Ordinal);

        NormalizedAlert alert = Assert.Single(AlertPolicies.ParseOk("alertmanager", body).Alerts);

        Assert.Equal(new DateTimeOffset(2018, 8, 3, 7, 52, 26, TimeSpan.Zero).AddTicks(7392668), alert.StartsAt);
        Assert.Equal(TimeSpan.FromHours(2), alert.StartsAt!.Value.Offset);
    }

    [Fact]
    public void Parse_UnknownExtraFields_AreIgnored()
    {
        string body = Documented
            .Replace("\"receiver\": \"sms\",", "\"receiver\": \"sms\", \"futureField\": {\"nested\": [1, 2]},", StringComparison.Ordinal)
            .Replace("\"fingerprint\": \"1a30ba71cca2921f\"", "\"fingerprint\": \"1a30ba71cca2921f\", \"tenant\": 7", StringComparison.Ordinal);

        AlertBatch batch = AlertPolicies.ParseOk("alertmanager", body);

        Assert.Equal("alertmanager:1a30ba71cca2921f", Assert.Single(batch.Alerts).Identity);
        Assert.Equal(AlertPolicies.ParseOk("alertmanager", Documented).DeliveryKey, batch.DeliveryKey);
    }

    [Fact]
    public void Parse_MissingFingerprint_ComputesIdentityStableUnderLabelReordering()
    {
        string first = Minimal("""{ "alertname": "DiskFull", "instance": "db-1:9100", "job": "node" }""");
        string reordered = Minimal("""{ "job": "node", "alertname": "DiskFull", "instance": "db-1:9100" }""");

        NormalizedAlert a = Assert.Single(AlertPolicies.ParseOk("alertmanager", first).Alerts);
        NormalizedAlert b = Assert.Single(AlertPolicies.ParseOk("alertmanager", reordered).Alerts);

        Assert.Equal("alertmanager:labels-7d044753bb40899ca1edbe7cd933f5cb", a.Identity);
        Assert.Equal(a.Identity, b.Identity);
        Assert.Equal(a.ContentDigest, b.ContentDigest);
    }

    [Fact]
    public void Parse_MissingFingerprint_DifferentLabelsGiveDifferentIdentities()
    {
        string first = Minimal("""{ "alertname": "DiskFull", "instance": "db-1:9100" }""");
        string second = Minimal("""{ "alertname": "DiskFull", "instance": "db-2:9100" }""");

        string a = Assert.Single(AlertPolicies.ParseOk("alertmanager", first).Alerts).Identity;
        string b = Assert.Single(AlertPolicies.ParseOk("alertmanager", second).Alerts).Identity;

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Parse_GroupedNotificationOf50_Returns50AlertsInOrder()
    {
        string body = Group(50, i => $"db-{i}");

        AlertBatch batch = AlertPolicies.ParseOk("alertmanager", body);

        Assert.Equal(50, batch.Alerts.Count);
        Assert.Equal("alertmanager:fp-0", batch.Alerts[0].Identity);
        Assert.Equal("alertmanager:fp-49", batch.Alerts[49].Identity);
        Assert.Equal("db-49", batch.Alerts[49].Labels["instance"]);
    }

    [Fact]
    public void Parse_1001Alerts_IsRejected()
    {
        string body = Group(1001, i => $"db-{i}");

        var result = AlertPolicies.Parse("alertmanager", body);

        Assert.False(result.IsOk);
        Assert.Equal("alerts: must have at most 1000 items", result.Reason);
    }

    [Fact]
    public void Parse_IdenticalDelivery_HasTheSameDeliveryKey()
    {
        string body = Group(3, i => $"db-{i}");

        string first = AlertPolicies.ParseOk("alertmanager", body).DeliveryKey;
        string repeat = AlertPolicies.ParseOk("alertmanager", body).DeliveryKey;

        Assert.Equal(first, repeat);
    }

    [Fact]
    public void Parse_SameAlertsInAnotherOrder_HasTheSameDeliveryKey()
    {
        string body = Group(3, i => $"db-{i}");
        string reversed = Group(3, i => $"db-{i}", reverse: true);

        string first = AlertPolicies.ParseOk("alertmanager", body).DeliveryKey;
        string second = AlertPolicies.ParseOk("alertmanager", reversed).DeliveryKey;

        Assert.Equal(first, second);
    }

    [Fact]
    public void Parse_ChangedContent_HasANewDeliveryKeyWithTheSameGroupKey()
    {
        string body = Group(3, i => $"db-{i}");
        string changed = Group(3, i => i == 2 ? "db-2-replaced" : $"db-{i}");

        string first = AlertPolicies.ParseOk("alertmanager", body).DeliveryKey;
        string second = AlertPolicies.ParseOk("alertmanager", changed).DeliveryKey;

        Assert.NotEqual(first, second);
        Assert.StartsWith("{}:{alertname=\"DiskFull\"}:", first, StringComparison.Ordinal);
        Assert.StartsWith("{}:{alertname=\"DiskFull\"}:", second, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OneAlertResolves_HasANewDeliveryKey()
    {
        string body = Documented;
        string resolved = Documented
            .Replace("\"status\": \"firing\"", "\"status\": \"resolved\"", StringComparison.Ordinal)
            .Replace("0001-01-01T00:00:00Z", "2023-02-06T13:20:45.828Z", StringComparison.Ordinal);

        string first = AlertPolicies.ParseOk("alertmanager", body).DeliveryKey;
        string second = AlertPolicies.ParseOk("alertmanager", resolved).DeliveryKey;

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("critical", "critical", 1, AlertClassification.Urgent)]
    [InlineData("CRITICAL", "critical", 1, AlertClassification.Urgent)]
    [InlineData("warning", "warning", 3, AlertClassification.BugReport)]
    [InlineData("info", "info", 5, AlertClassification.Informational)]
    [InlineData("page-me-now", "page-me-now", 4, AlertClassification.Informational)]
    public void Parse_SeverityLabel_MapsThroughThePolicy(string label, string severity, int priority, AlertClassification classification)
    {
        string body = Minimal($$"""{ "alertname": "DiskFull", "severity": "{{label}}" }""");

        NormalizedAlert alert = Assert.Single(AlertPolicies.ParseOk("alertmanager", body).Alerts);

        Assert.Equal(severity, alert.Severity);
        Assert.Equal(priority, alert.Priority);
        Assert.Equal(classification, alert.Classification);
    }

    [Fact]
    public void Parse_NoSeverityLabel_UsesThePolicyDefault()
    {
        string body = Minimal("""{ "alertname": "DiskFull" }""");

        NormalizedAlert alert = Assert.Single(AlertPolicies.ParseOk("alertmanager", body).Alerts);

        Assert.Equal("unclassified", alert.Severity);
        Assert.Equal(4, alert.Priority);
        Assert.Equal(AlertClassification.Informational, alert.Classification);
    }

    [Fact]
    public void Parse_UrlAnnotations_AreCollectedAsLinks()
    {
        string body = """
            {
              "version": "4", "groupKey": "{}:{}", "status": "firing", "receiver": "hub",
              "alerts": [{
                "status": "firing",
                "labels": { "alertname": "DiskFull", "service": "billing-api" },
                "annotations": {
                  "summary": "Disk almost full on db-1",
                  "runbook_url": "https://runbooks.example.org/disk-full",
                  "dashboard_url": "https://grafana.example.org/d/disk",
                  "sourceURL": "https://logs.example.org/q/1",
                  "owner": "dba-team"
                },
                "startsAt": "2024-05-01T10:00:00Z",
                "generatorURL": "http://prometheus:9090/graph?g0.expr=disk"
              }]
            }
            """;

        NormalizedAlert alert = Assert.Single(AlertPolicies.ParseOk("alertmanager", body).Alerts);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["generatorURL"] = "http://prometheus:9090/graph?g0.expr=disk",
                ["runbook_url"] = "https://runbooks.example.org/disk-full",
                ["dashboard_url"] = "https://grafana.example.org/d/disk",
                ["sourceURL"] = "https://logs.example.org/q/1",
            },
            alert.Links);
        Assert.Equal("billing-api", alert.Service);
        Assert.Equal("DiskFull", alert.Title);
        Assert.Equal("Disk almost full on db-1", alert.Description);
        Assert.Null(alert.EndsAt);
    }

    [Fact]
    public void Parse_NoAlertname_TitleIsTheSummary()
    {
        string body = """
            {
              "version": "4", "groupKey": "{}:{}", "status": "firing",
              "alerts": [{
                "status": "firing",
                "labels": { "instance": "db-1" },
                "annotations": { "summary": "Disk almost full on db-1" },
                "startsAt": "2024-05-01T10:00:00Z"
              }]
            }
            """;

        NormalizedAlert alert = Assert.Single(AlertPolicies.ParseOk("alertmanager", body).Alerts);

        Assert.Equal("Disk almost full on db-1", alert.Title);
        Assert.Null(alert.Description);
    }

    private static string Minimal(string labels) => $$"""
        {
          "version": "4", "groupKey": "{}:{alertname=\"DiskFull\"}", "status": "firing", "receiver": "hub",
          "alerts": [{ "status": "firing", "labels": {{labels}}, "annotations": {}, "startsAt": "2024-05-01T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z" }]
        }
        """;

    private static string Group(int count, Func<int, string> instance, bool reverse = false)
    {
        IEnumerable<int> indexes = Enumerable.Range(0, count);
        var alerts = (reverse ? indexes.Reverse() : indexes).Select(i => $$"""
            { "status": "firing", "labels": { "alertname": "DiskFull", "instance": "{{instance(i)}}" },
              "annotations": { "summary": "Disk almost full" }, "startsAt": "2024-05-01T10:00:00Z",
              "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "fp-{{i}}" }
            """);
        var body = new StringBuilder();
        body.Append("""{ "version": "4", "groupKey": "{}:{alertname=\"DiskFull\"}", "status": "firing", "receiver": "hub", "alerts": [""");
        body.AppendJoin(",", alerts);
        body.Append("] }");
        return body.ToString();
    }
}
