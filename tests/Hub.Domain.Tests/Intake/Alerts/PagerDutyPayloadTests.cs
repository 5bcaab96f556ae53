using Hub.Domain.Configuration;
using Hub.Domain.Intake.Alerts;

namespace Hub.Domain.Tests.Intake.Alerts;

public sealed class PagerDutyPayloadTests
{
    // PagerDuty's Events API v2 "send an alert event" trigger example.
    private const string Documented = """
        {
          "payload": {
            "summary": "Example alert on host1.example.com",
            "timestamp": "2015-07-17T08:42:58.315+0000",
            "source": "monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003",
            "severity": "info",
            "component": "postgres",
            "group": "prod-datapipe",
            "class": "deploy",
            "custom_details": {
              "ping time": "1500ms",
              "load avg": 0.75
            }
          },
          "routing_key": "samplekeyhere",
          "dedup_key": "samplekeyhere",
          "images": [
            {
              "src": "https://www.pagerduty.com/wp-content/uploads/2016/05/pagerduty-logo-green.png",
              "href": "https://example.com/",
              "alt": "Example text"
            }
          ],
          "links": [
            {
              "href": "https://example.com/",
              "text": "Link text"
            }
          ],
          "event_action": "trigger",
          "client": "Sample Monitoring Service",
          "client_url": "https://monitoring.example.com"
        }
        """;

    [Fact]
    public void Parse_DocumentedTrigger_NormalizesTheEvent()
    {
        string body = Documented;

        AlertBatch batch = AlertPolicies.ParseOk("pagerduty", body);

        Assert.Equal("pagerduty", batch.Format);
        NormalizedAlert alert = Assert.Single(batch.Alerts);
        Assert.Equal($"samplekeyhere:trigger:{alert.ContentDigest}", batch.DeliveryKey);
        Assert.Equal("pagerduty:samplekeyhere", alert.Identity);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal("Example alert on host1.example.com", alert.Title);
        Assert.Null(alert.Description);
        Assert.Equal("info", alert.Severity);
        Assert.Equal(5, alert.Priority);
        Assert.Equal(AlertClassification.Informational, alert.Classification);
        Assert.Equal(new DateTimeOffset(2015, 7, 17, 8, 42, 58, 315, TimeSpan.Zero), alert.StartsAt);
        Assert.Null(alert.EndsAt);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["source"] = "monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003",
                ["severity"] = "info",
                ["component"] = "postgres",
                ["group"] = "prod-datapipe",
                ["class"] = "deploy",
            },
            alert.Labels);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["summary"] = "Example alert on host1.example.com",
                ["custom_details.ping time"] = "1500ms",
                ["custom_details.load avg"] = "0.75",
                ["client"] = "Sample Monitoring Service",
            },
            alert.Annotations);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["Link text"] = "https://example.com/",
                ["images[0]"] = "https://www.pagerduty.com/wp-content/uploads/2016/05/pagerduty-logo-green.png",
                ["client_url"] = "https://monitoring.example.com",
            },
            alert.Links);
        Assert.Equal("postgres", alert.Service);
        Assert.Matches("^[0-9a-f]{64}$", alert.ContentDigest);
    }

    [Fact]
    public void Parse_DocumentedAcknowledge_IsAcknowledgedUnderTheSameIdentity()
    {
        string body = """{ "routing_key": "routingkeyhere", "dedup_key": "samplekeyhere", "event_action": "acknowledge" }""";

        AlertBatch batch = AlertPolicies.ParseOk("pagerduty", body);

        NormalizedAlert alert = Assert.Single(batch.Alerts);
        Assert.Equal("pagerduty:samplekeyhere", alert.Identity);
        Assert.Equal(AlertStatus.Acknowledged, alert.Status);
        Assert.Equal("samplekeyhere", alert.Title);
        Assert.Equal("unclassified", alert.Severity);
        Assert.Empty(alert.Labels);
        Assert.StartsWith("samplekeyhere:acknowledge:", batch.DeliveryKey, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DocumentedResolve_IsResolvedWithADifferentDeliveryKeyThanAcknowledge()
    {
        string resolve = """{ "routing_key": "routingkeyhere", "dedup_key": "samplekeyhere", "event_action": "resolve" }""";
        string acknowledge = """{ "routing_key": "routingkeyhere", "dedup_key": "samplekeyhere", "event_action": "acknowledge" }""";

        AlertBatch resolved = AlertPolicies.ParseOk("pagerduty", resolve);
        AlertBatch acknowledged = AlertPolicies.ParseOk("pagerduty", acknowledge);

        Assert.Equal(AlertStatus.Resolved, Assert.Single(resolved.Alerts).Status);
        Assert.NotEqual(resolved.DeliveryKey, acknowledged.DeliveryKey);
    }

    [Fact]
    public void Parse_ResolveWithTimestamp_EndsAtThatTime()
    {
        string body = """
            { "routing_key": "r", "dedup_key": "k1", "event_action": "resolve",
              "payload": { "summary": "Disk ok again", "timestamp": "2024-05-01T10:30:00Z" } }
            """;

        NormalizedAlert alert = Assert.Single(AlertPolicies.ParseOk("pagerduty", body).Alerts);

        Assert.Null(alert.StartsAt);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 30, 0, TimeSpan.Zero), alert.EndsAt);
        Assert.Equal("Disk ok again", alert.Title);
    }

    [Fact]
    public void Parse_TriggerWithoutDedupKey_DerivesAStableKeyWithoutExposingTheRoutingKey()
    {
        string body = Documented.Replace("\"dedup_key\": \"samplekeyhere\",", "", StringComparison.Ordinal);

        NormalizedAlert first = Assert.Single(AlertPolicies.ParseOk("pagerduty", body).Alerts);
        NormalizedAlert again = Assert.Single(AlertPolicies.ParseOk("pagerduty", body).Alerts);

        Assert.Equal("pagerduty:derived-d92405935a3b14db85b8e6d0a206c805", first.Identity);
        Assert.Equal(first.Identity, again.Identity);
        Assert.DoesNotContain(first.Labels.Values, v => v.Contains("samplekeyhere", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_IdenticalEvent_SameDeliveryKeyAndChangedSummaryANewOne()
    {
        string body = Documented;
        string changed = Documented.Replace("\"severity\": \"info\"", "\"severity\": \"critical\"", StringComparison.Ordinal);

        string first = AlertPolicies.ParseOk("pagerduty", body).DeliveryKey;
        string repeat = AlertPolicies.ParseOk("pagerduty", body).DeliveryKey;
        AlertBatch other = AlertPolicies.ParseOk("pagerduty", changed);

        Assert.Equal(first, repeat);
        Assert.NotEqual(first, other.DeliveryKey);
        Assert.Equal("critical", other.Alerts[0].Severity);
        Assert.Equal(AlertClassification.Urgent, other.Alerts[0].Classification);
    }

    [Theory]
    [InlineData("critical", 1, AlertClassification.Urgent)]
    [InlineData("error", 2, AlertClassification.BugReport)]
    [InlineData("warning", 3, AlertClassification.BugReport)]
    [InlineData("info", 5, AlertClassification.Informational)]
    public void Parse_PayloadSeverity_MapsThroughThePolicy(string severity, int priority, AlertClassification classification)
    {
        string body = Documented.Replace("\"severity\": \"info\"", $"\"severity\": \"{severity}\"", StringComparison.Ordinal);

        NormalizedAlert alert = Assert.Single(AlertPolicies.ParseOk("pagerduty", body).Alerts);

        Assert.Equal(priority, alert.Priority);
        Assert.Equal(classification, alert.Classification);
    }

    [Fact]
    public void Parse_Batch_ReturnsEveryEventInOrder()
    {
        string body = """
            [
              { "routing_key": "r", "dedup_key": "disk-db-1", "event_action": "trigger",
                "payload": { "summary": "Disk full on db-1", "source": "db-1", "severity": "error" } },
              { "routing_key": "r", "dedup_key": "disk-db-0", "event_action": "resolve" },
              { "routing_key": "r", "dedup_key": "cpu-app-3", "event_action": "acknowledge" }
            ]
            """;

        AlertBatch batch = AlertPolicies.ParseOk("pagerduty", body);

        Assert.Equal(["pagerduty:disk-db-1", "pagerduty:disk-db-0", "pagerduty:cpu-app-3"], batch.Alerts.Select(a => a.Identity));
        Assert.Equal([AlertStatus.Firing, AlertStatus.Resolved, AlertStatus.Acknowledged], batch.Alerts.Select(a => a.Status));
        Assert.Matches("^batch:[0-9a-f]{64}$", batch.DeliveryKey);
        Assert.Equal(batch.DeliveryKey, AlertPolicies.ParseOk("pagerduty", body).DeliveryKey);
    }

    [Fact]
    public void Parse_CustomDetailsAsString_IsTheDescription()
    {
        string body = """
            { "routing_key": "r", "dedup_key": "k", "event_action": "trigger",
              "payload": { "summary": "Disk full", "source": "db-1", "severity": "warning", "custom_details": "df shows 99% on /var" },
              "links": [ { "href": "https://runbooks.example.org/disk" }, { "href": "https://grafana.example.org/d/disk", "text": "Dashboard" } ] }
            """;

        NormalizedAlert alert = Assert.Single(AlertPolicies.ParseOk("pagerduty", body).Alerts);

        Assert.Equal("df shows 99% on /var", alert.Description);
        Assert.Equal("https://runbooks.example.org/disk", alert.Links["links[0]"]);
        Assert.Equal("https://grafana.example.org/d/disk", alert.Links["Dashboard"]);
    }
}
