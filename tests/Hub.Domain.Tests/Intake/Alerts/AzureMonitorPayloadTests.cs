using Hub.Domain.Configuration;
using Hub.Domain.Intake.Alerts;

namespace Hub.Domain.Tests.Intake.Alerts;

public sealed class AzureMonitorPayloadTests
{
    // Azure Monitor's sample alert payload for the common alert schema (a resolved metric alert).
    private const string Documented = """
        {
          "schemaId": "azureMonitorCommonAlertSchema",
          "data": {
            "essentials": {
              "alertId": "/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.AlertsManagement/alerts/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e",
              "alertRule": "WCUS-R2-Gen2",
              "severity": "Sev3",
              "signalType": "Metric",
              "monitorCondition": "Resolved",
              "monitoringService": "Platform",
              "alertTargetIDs": [
                "/subscriptions/11111111-1111-1111-1111-111111111111/resourcegroups/pipelinealertrg/providers/microsoft.compute/virtualmachines/wcus-r2-gen2"
              ],
              "configurationItems": [ "wcus-r2-gen2" ],
              "originAlertId": "3f2d4487-b0fc-4125-8bd5-7ad17384221e_PipeLineAlertRG_microsoft.insights_metricAlerts_WCUS-R2-Gen2_-117781227",
              "firedDateTime": "2019-03-22T13:58:24.3713213Z",
              "resolvedDateTime": "2019-03-22T14:03:16.2246313Z",
              "description": "",
              "essentialsVersion": "1.0",
              "alertContextVersion": "1.0"
            },
            "alertContext": {
              "properties": null,
              "conditionType": "SingleResourceMultipleMetricCriteria",
              "condition": {
                "windowSize": "PT5M",
                "allOf": [
                  {
                    "metricName": "Percentage CPU",
                    "metricNamespace": "Microsoft.Compute/virtualMachines",
                    "operator": "GreaterThan",
                    "threshold": "0.25",
                    "timeAggregation": "Average",
                    "metricValue": 1.2
                  }
                ],
                "windowStartTime": "2019-03-22T13:40:03.064Z",
                "windowEndTime": "2019-03-22T13:45:03.064Z"
              }
            },
            "customProperties": null
          }
        }
        """;

    private const string AlertId = "/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.AlertsManagement/alerts/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e";

    [Fact]
    public void Parse_DocumentedExample_NormalizesTheAlert()
    {
        string body = Documented;

        AlertBatch batch = AlertPolicies.ParseOk("azure-monitor", body);

        Assert.Equal("azure-monitor", batch.Format);
        Assert.Equal(AlertId + ":Resolved:2019-03-22T14:03:16.2246313Z", batch.DeliveryKey);
        Assert.Equal(0, batch.TruncatedAlerts);
        NormalizedAlert alert = Assert.Single(batch.Alerts);
        Assert.Equal("azure-monitor:" + AlertId, alert.Identity);
        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.Equal("WCUS-R2-Gen2", alert.Title);
        Assert.Null(alert.Description);
        Assert.Equal("Sev3", alert.Severity);
        Assert.Equal(4, alert.Priority);
        Assert.Equal(AlertClassification.Informational, alert.Classification);
        Assert.Equal(new DateTimeOffset(2019, 3, 22, 13, 58, 24, TimeSpan.Zero).AddTicks(3713213), alert.StartsAt);
        Assert.Equal(new DateTimeOffset(2019, 3, 22, 14, 3, 16, TimeSpan.Zero).AddTicks(2246313), alert.EndsAt);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["alertRule"] = "WCUS-R2-Gen2",
                ["severity"] = "Sev3",
                ["signalType"] = "Metric",
                ["monitoringService"] = "Platform",
                ["alertTargetIDs"] = "/subscriptions/11111111-1111-1111-1111-111111111111/resourcegroups/pipelinealertrg/providers/microsoft.compute/virtualmachines/wcus-r2-gen2",
                ["configurationItems"] = "wcus-r2-gen2",
            },
            alert.Labels);
        Assert.Empty(alert.Annotations);
        Assert.Empty(alert.Links);
        Assert.Null(alert.Service);
    }

    [Fact]
    public void Parse_Fired_IsFiringWithoutEndAndKeyedByCondition()
    {
        string body = Fired("Sev1");

        AlertBatch batch = AlertPolicies.ParseOk("azure-monitor", body);

        NormalizedAlert alert = Assert.Single(batch.Alerts);
        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Null(alert.EndsAt);
        Assert.Equal("Disk latency above 50 ms on sql-prod-01", alert.Description);
        Assert.Equal("azure-monitor:" + AlertId, alert.Identity);
        Assert.Equal(AlertId + ":Fired", batch.DeliveryKey);
    }

    [Fact]
    public void Parse_FiredThenResolved_SameIdentityDifferentDeliveryKeys()
    {
        string fired = Fired("Sev3");
        string resolved = Documented;

        AlertBatch first = AlertPolicies.ParseOk("azure-monitor", fired);
        AlertBatch second = AlertPolicies.ParseOk("azure-monitor", resolved);

        Assert.Equal(first.Alerts[0].Identity, second.Alerts[0].Identity);
        Assert.NotEqual(first.DeliveryKey, second.DeliveryKey);
    }

    [Theory]
    [InlineData("Sev0", 1, AlertClassification.Urgent)]
    [InlineData("Sev1", 2, AlertClassification.Urgent)]
    [InlineData("Sev2", 3, AlertClassification.BugReport)]
    [InlineData("Sev3", 4, AlertClassification.Informational)]
    [InlineData("Sev4", 5, AlertClassification.Informational)]
    public void Parse_Severity_MapsEachSevLevel(string severity, int priority, AlertClassification classification)
    {
        string body = Fired(severity);

        NormalizedAlert alert = Assert.Single(AlertPolicies.ParseOk("azure-monitor", body).Alerts);

        Assert.Equal(severity, alert.Severity);
        Assert.Equal(priority, alert.Priority);
        Assert.Equal(classification, alert.Classification);
    }

    [Fact]
    public void Parse_SeverityWithoutPolicyEntry_UsesTheDefault()
    {
        var policy = new AlertIntakeDefinition("ProductionDefect", [], new SeverityMapping("normal", 3, AlertClassification.BugReport));

        var result = AlertParser.Parse("azure-monitor", System.Text.Encoding.UTF8.GetBytes(Fired("Sev0")), policy);

        NormalizedAlert alert = Assert.Single(result.Value!.Alerts);
        Assert.Equal("Sev0", alert.Severity);
        Assert.Equal(3, alert.Priority);
        Assert.Equal(AlertClassification.BugReport, alert.Classification);
    }

    [Fact]
    public void Parse_CustomPropertiesAndLinks_BecomeLabelsServiceAndLinks()
    {
        string body = Fired("Sev2");

        NormalizedAlert alert = Assert.Single(AlertPolicies.ParseOk("azure-monitor", body).Alerts);

        Assert.Equal("orders-db", alert.Service);
        Assert.Equal("orders-db", alert.Labels["service"]);
        Assert.Equal("3", alert.Labels["tier"]);
        Assert.Equal("Sev2", alert.Labels["severity"]);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["investigationLink"] = "https://portal.azure.com/#view/Microsoft_Azure_Monitoring_Alerts/Investigation.ReactView/alertId/aaaa0a0a",
                ["linkToSearchResultsUI"] = "https://portal.azure.com/#@tenant/blade/Microsoft_Azure_Monitoring_Logs/LogsBlade/source/Alerts.EmailLinks",
            },
            alert.Links);
    }

    private static string Fired(string severity) => $$"""
        {
          "schemaId": "azureMonitorCommonAlertSchema",
          "data": {
            "essentials": {
              "alertId": "{{AlertId}}",
              "alertRule": "sql-disk-latency",
              "severity": "{{severity}}",
              "signalType": "Log",
              "monitorCondition": "Fired",
              "monitoringService": "Log Alerts V2",
              "alertTargetIDs": [ "/subscriptions/11111111-1111-1111-1111-111111111111/resourcegroups/orders/providers/microsoft.sql/servers/sql-prod-01" ],
              "configurationItems": [ "sql-prod-01" ],
              "originAlertId": "12345",
              "firedDateTime": "2024-05-01T10:00:00.000Z",
              "description": "Disk latency above 50 ms on sql-prod-01",
              "essentialsVersion": "1.0",
              "alertContextVersion": "1.0",
              "investigationLink": "https://portal.azure.com/#view/Microsoft_Azure_Monitoring_Alerts/Investigation.ReactView/alertId/aaaa0a0a"
            },
            "alertContext": {
              "conditionType": "LogQueryCriteria",
              "condition": {
                "windowSize": "PT5M",
                "allOf": [{
                  "searchQuery": "Perf | where CounterName == 'Disk sec/Read'",
                  "metricValue": 72,
                  "linkToSearchResultsUI": "https://portal.azure.com/#@tenant/blade/Microsoft_Azure_Monitoring_Logs/LogsBlade/source/Alerts.EmailLinks"
                }]
              }
            },
            "customProperties": { "service": "orders-db", "tier": 3 }
          }
        }
        """;
}
