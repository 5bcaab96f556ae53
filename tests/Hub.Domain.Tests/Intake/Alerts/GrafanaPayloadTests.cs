using Hub.Domain.Configuration;
using Hub.Domain.Intake.Alerts;

namespace Hub.Domain.Tests.Intake.Alerts;

public sealed class GrafanaPayloadTests
{
    // Grafana's webhook contact point documentation example (unified alerting, version "1").
    private const string Documented = """
        {
          "receiver": "My Super Webhook",
          "status": "firing",
          "orgId": 1,
          "alerts": [
            {
              "status": "firing",
              "labels": { "alertname": "High memory usage", "team": "blue", "zone": "us-1" },
              "annotations": {
                "description": "The system has high memory usage",
                "runbook_url": "https://myrunbook.com/runbook/1234",
                "summary": "This alert was triggered for zone us-1"
              },
              "startsAt": "2021-10-12T09:51:03.157076+02:00",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "https://play.grafana.org/alerting/1afz29v7z/edit",
              "fingerprint": "c6eadffa33fcdf37",
              "silenceURL": "https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1",
              "dashboardURL": "",
              "panelURL": "",
              "values": { "B": 44.23943737541908, "C": 1 }
            },
            {
              "status": "firing",
              "labels": { "alertname": "High CPU usage", "team": "blue", "zone": "eu-1" },
              "annotations": {
                "description": "The system has high CPU usage",
                "runbook_url": "https://myrunbook.com/runbook/1234",
                "summary": "This alert was triggered for zone eu-1"
              },
              "startsAt": "2021-10-12T09:56:03.157076+02:00",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "https://play.grafana.org/alerting/d1rdpdv7k/edit",
              "fingerprint": "bc97ff14869b13e3",
              "silenceURL": "https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT1%2Cteam%3Dblue%2Czone%3Deu-1",
              "dashboardURL": "",
              "panelURL": "",
              "values": { "B": 44.23943737541908, "C": 1 }
            }
          ],
          "groupLabels": {},
          "commonLabels": { "team": "blue" },
          "commonAnnotations": {},
          "externalURL": "https://play.grafana.org/",
          "version": "1",
          "groupKey": "{}:{}",
          "truncatedAlerts": 0,
          "title": "[FIRING:2]  (blue)",
          "state": "alerting",
          "message": "**Firing**\n\nLabels:\n - alertname = T2\n"
        }
        """;

    [Fact]
    public void Parse_DocumentedExample_NormalizesBothAlerts()
    {
        string body = Documented;

        AlertBatch batch = AlertPolicies.ParseOk("grafana", body);

        Assert.Equal("grafana", batch.Format);
        Assert.StartsWith("{}:{}:", batch.DeliveryKey, StringComparison.Ordinal);
        Assert.Equal(2, batch.Alerts.Count);
        NormalizedAlert memory = batch.Alerts[0];
        Assert.Equal("grafana:c6eadffa33fcdf37", memory.Identity);
        Assert.Equal(AlertStatus.Firing, memory.Status);
        Assert.Equal("High memory usage", memory.Title);
        Assert.Equal("The system has high memory usage", memory.Description);
        Assert.Equal("unclassified", memory.Severity);
        Assert.Equal(4, memory.Priority);
        Assert.Equal(AlertClassification.Informational, memory.Classification);
        Assert.Equal(new DateTimeOffset(2021, 10, 12, 9, 51, 3, TimeSpan.FromHours(2)).AddTicks(1570760), memory.StartsAt);
        Assert.Null(memory.EndsAt);
        Assert.Equal("us-1", memory.Labels["zone"]);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["generatorURL"] = "https://play.grafana.org/alerting/1afz29v7z/edit",
                ["silenceURL"] = "https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1",
                ["runbook_url"] = "https://myrunbook.com/runbook/1234",
                ["externalURL"] = "https://play.grafana.org/",
            },
            memory.Links);
        Assert.Null(memory.Service);
        Assert.Equal("grafana:bc97ff14869b13e3", batch.Alerts[1].Identity);
        Assert.Equal("High CPU usage", batch.Alerts[1].Title);
    }

    [Fact]
    public void Parse_ResolvedAlert_HasResolvedStatusAndEndsAt()
    {
        string body = """
            {
              "receiver": "hub", "status": "resolved", "orgId": 1, "version": "1", "groupKey": "{}:{}",
              "alerts": [{
                "status": "resolved",
                "labels": { "alertname": "High memory usage", "severity": "warning", "service": "billing-api" },
                "annotations": {},
                "startsAt": "2021-10-12T09:51:03.157076+02:00",
                "endsAt": "2021-10-12T10:01:03+02:00",
                "fingerprint": "c6eadffa33fcdf37",
                "dashboardURL": "https://play.grafana.org/d/abc",
                "panelURL": "https://play.grafana.org/d/abc?viewPanel=2",
                "imageURL": "https://play.grafana.org/render/abc.png",
                "valueString": "[ var='B' labels={} value=44.2 ]"
              }],
              "title": "[RESOLVED] High memory usage", "state": "ok", "message": "resolved"
            }
            """;

        NormalizedAlert alert = Assert.Single(AlertPolicies.ParseOk("grafana", body).Alerts);

        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.Equal(new DateTimeOffset(2021, 10, 12, 10, 1, 3, TimeSpan.FromHours(2)), alert.EndsAt);
        Assert.Equal("warning", alert.Severity);
        Assert.Equal(3, alert.Priority);
        Assert.Equal("billing-api", alert.Service);
        Assert.Equal("[ var='B' labels={} value=44.2 ]", alert.Annotations["valueString"]);
        Assert.Equal("https://play.grafana.org/d/abc", alert.Links["dashboardURL"]);
        Assert.Equal("https://play.grafana.org/d/abc?viewPanel=2", alert.Links["panelURL"]);
        Assert.Equal("https://play.grafana.org/render/abc.png", alert.Links["imageURL"]);
    }

    [Fact]
    public void Parse_NoAlertnameOrSummary_TitleIsTheNotificationTitle()
    {
        string body = """
            {
              "status": "firing", "version": "1", "groupKey": "{}:{}", "title": "[FIRING:1] disk (blue)",
              "alerts": [{ "status": "firing", "labels": { "team": "blue" }, "startsAt": "2021-10-12T09:51:03Z" }]
            }
            """;

        NormalizedAlert alert = Assert.Single(AlertPolicies.ParseOk("grafana", body).Alerts);

        Assert.Equal("[FIRING:1] disk (blue)", alert.Title);
        Assert.Equal("grafana:labels-", alert.Identity[..15]);
    }

    [Fact]
    public void Parse_AlertmanagerVersion_IsRejectedForGrafana()
    {
        string body = Documented.Replace("\"version\": \"1\"", "\"version\": \"4\"", StringComparison.Ordinal);

        var result = AlertPolicies.Parse("grafana", body);

        Assert.False(result.IsOk);
        Assert.Equal("version: must be \"1\"", result.Reason);
    }

    [Fact]
    public void Parse_IdenticalDelivery_SameDeliveryKeyAndChangedValueStringANewOne()
    {
        string body = Documented;
        string changed = Documented.Replace("\"panelURL\": \"\",\n      \"values\"", "\"panelURL\": \"\", \"valueString\": \"[ value=50 ]\",\n      \"values\"", StringComparison.Ordinal);

        string first = AlertPolicies.ParseOk("grafana", body).DeliveryKey;
        string repeat = AlertPolicies.ParseOk("grafana", body).DeliveryKey;
        string other = AlertPolicies.ParseOk("grafana", changed).DeliveryKey;

        Assert.Equal(first, repeat);
        Assert.NotEqual(first, other);
    }
}
