using System.Text;
using Hub.Domain.Intake.Alerts;

namespace Hub.Domain.Tests.Intake.Alerts;

public sealed class AlertParserValidationTests
{
    private const string GoodAlert = """ "status": "firing", "labels": { "alertname": "DiskFull" }, "startsAt": "2024-05-01T10:00:00Z" """;
    private const string GoodTop = """ "version": "4", "groupKey": "{}:{}", "status": "firing" """;

    public static TheoryData<string, string, string, string> InvalidBodies => new()
    {
        // Alertmanager and Grafana
        { "alertmanager", Am(GoodTop.Replace("\"4\"", "\"3\"", StringComparison.Ordinal), GoodAlert), "version", "must be \"4\"" },
        { "alertmanager", Am(""" "groupKey": "{}:{}", "status": "firing" """, GoodAlert), "version", "is required" },
        { "alertmanager", Am(GoodTop.Replace("\"4\"", "4", StringComparison.Ordinal), GoodAlert), "version", "must be a string" },
        { "alertmanager", Am(""" "version": "4", "status": "firing" """, GoodAlert), "groupKey", "is required" },
        { "alertmanager", Am(""" "version": "4", "groupKey": "", "status": "firing" """, GoodAlert), "groupKey", "must not be empty" },
        { "alertmanager", Am(GoodTop.Replace("\"firing\"", "\"pending\"", StringComparison.Ordinal), GoodAlert), "status", "must be one of firing, resolved" },
        { "alertmanager", Am(GoodTop + """, "truncatedAlerts": -1 """, GoodAlert), "truncatedAlerts", "must be a non-negative integer" },
        { "alertmanager", $$"""{ {{GoodTop}} }""", "alerts", "is required" },
        { "alertmanager", $$"""{ {{GoodTop}}, "alerts": {} }""", "alerts", "must be an array" },
        { "alertmanager", $$"""{ {{GoodTop}}, "alerts": [] }""", "alerts", "must not be empty" },
        { "alertmanager", $$"""{ {{GoodTop}}, "alerts": [1] }""", "alerts[0]", "must be an object" },
        { "alertmanager", Am(GoodTop, """ "labels": { "a": "b" }, "startsAt": "2024-05-01T10:00:00Z" """), "alerts[0].status", "is required" },
        { "alertmanager", Am(GoodTop, """ "status": "silenced", "labels": {}, "startsAt": "2024-05-01T10:00:00Z" """), "alerts[0].status", "must be one of firing, resolved" },
        { "alertmanager", Am(GoodTop, """ "status": "firing", "startsAt": "2024-05-01T10:00:00Z" """), "alerts[0].labels", "is required" },
        { "alertmanager", Am(GoodTop, """ "status": "firing", "labels": { "team": 5 }, "startsAt": "2024-05-01T10:00:00Z" """), "alerts[0].labels.team", "must be a string" },
        { "alertmanager", Am(GoodTop, GoodAlert + """, "annotations": "none" """), "alerts[0].annotations", "must be an object" },
        { "alertmanager", Am(GoodTop, """ "status": "firing", "labels": {} """), "alerts[0].startsAt", "is required" },
        { "alertmanager", Am(GoodTop, """ "status": "firing", "labels": {}, "startsAt": "yesterday" """), "alerts[0].startsAt", "must be an RFC 3339 time" },
        { "alertmanager", Am(GoodTop, """ "status": "firing", "labels": {}, "startsAt": "2024-02-30T10:00:00Z" """), "alerts[0].startsAt", "must be an RFC 3339 time" },
        { "alertmanager", Am(GoodTop, """ "status": "firing", "labels": {}, "startsAt": "2024-05-01T10:00:00" """), "alerts[0].startsAt", "must be an RFC 3339 time" },
        { "alertmanager", Am(GoodTop, GoodAlert + """, "endsAt": "2024-05-01 10:00" """), "alerts[0].endsAt", "must be an RFC 3339 time" },
        { "alertmanager", Am(GoodTop, GoodAlert + """, "fingerprint": 123 """), "alerts[0].fingerprint", "must be a string" },
        { "alertmanager", """[ { "version": "4" } ]""", "$", "must be a JSON object" },
        { "grafana", Am(GoodTop, GoodAlert), "version", "must be \"1\"" },
        { "grafana", Am(GoodTop.Replace("\"4\"", "\"1\"", StringComparison.Ordinal), GoodAlert + """, "silenceURL": false """), "alerts[0].silenceURL", "must be a string" },

        // Azure Monitor
        { "azure-monitor", Azure(""" "alertId": "a1", "alertRule": "r", "severity": "Sev2", "monitorCondition": "Fired", "firedDateTime": "2024-05-01T10:00:00Z" """).Replace("azureMonitorCommonAlertSchema", "Microsoft.Insights/activityLogs", StringComparison.Ordinal), "schemaId", "must be \"azureMonitorCommonAlertSchema\"" },
        { "azure-monitor", """{ "schemaId": "azureMonitorCommonAlertSchema" }""", "data", "is required" },
        { "azure-monitor", """{ "schemaId": "azureMonitorCommonAlertSchema", "data": { "alertContext": {} } }""", "data.essentials", "is required" },
        { "azure-monitor", Azure(""" "alertRule": "r", "severity": "Sev2", "monitorCondition": "Fired", "firedDateTime": "2024-05-01T10:00:00Z" """), "data.essentials.alertId", "is required" },
        { "azure-monitor", Azure(""" "alertId": "a1", "severity": "Sev2", "monitorCondition": "Fired", "firedDateTime": "2024-05-01T10:00:00Z" """), "data.essentials.alertRule", "is required" },
        { "azure-monitor", Azure(""" "alertId": "a1", "alertRule": "r", "severity": "Sev5", "monitorCondition": "Fired", "firedDateTime": "2024-05-01T10:00:00Z" """), "data.essentials.severity", "must be one of Sev0, Sev1, Sev2, Sev3, Sev4" },
        { "azure-monitor", Azure(""" "alertId": "a1", "alertRule": "r", "severity": "Sev2", "monitorCondition": "Active", "firedDateTime": "2024-05-01T10:00:00Z" """), "data.essentials.monitorCondition", "must be one of Fired, Resolved" },
        { "azure-monitor", Azure(""" "alertId": "a1", "alertRule": "r", "severity": "Sev2", "monitorCondition": "Fired", "firedDateTime": "03/22/2019 13:58" """), "data.essentials.firedDateTime", "must be an RFC 3339 time" },
        { "azure-monitor", Azure(""" "alertId": "a1", "alertRule": "r", "severity": "Sev2", "monitorCondition": "Fired", "firedDateTime": "2024-05-01T10:00:00Z", "alertTargetIDs": [ 1 ] """), "data.essentials.alertTargetIDs[0]", "must be a string" },

        // PagerDuty
        { "pagerduty", """{ "event_action": "resolve", "dedup_key": "k" }""", "routing_key", "is required" },
        { "pagerduty", """{ "routing_key": "r", "event_action": "escalate", "dedup_key": "k" }""", "event_action", "must be one of trigger, acknowledge, resolve" },
        { "pagerduty", """{ "routing_key": "r", "event_action": "trigger", "dedup_key": "k" }""", "payload", "is required" },
        { "pagerduty", """{ "routing_key": "r", "event_action": "trigger", "payload": { "source": "db-1", "severity": "info" } }""", "payload.summary", "is required" },
        { "pagerduty", """{ "routing_key": "r", "event_action": "trigger", "payload": { "summary": "s", "severity": "info" } }""", "payload.source", "is required" },
        { "pagerduty", """{ "routing_key": "r", "event_action": "trigger", "payload": { "summary": "s", "source": "db-1", "severity": "high" } }""", "payload.severity", "must be one of critical, error, warning, info" },
        { "pagerduty", """{ "routing_key": "r", "event_action": "trigger", "payload": { "summary": "s", "source": "db-1", "severity": "info", "timestamp": "yesterday" } }""", "payload.timestamp", "must be an RFC 3339 time" },
        { "pagerduty", """{ "routing_key": "r", "event_action": "acknowledge" }""", "dedup_key", "is required for acknowledge and resolve" },
        { "pagerduty", $$"""{ "routing_key": "r", "event_action": "resolve", "dedup_key": "{{new string('k', 256)}}" }""", "dedup_key", "must be at most 255 characters" },
        { "pagerduty", """{ "routing_key": "r", "event_action": "resolve", "dedup_key": "k", "links": [ { "text": "runbook" } ] }""", "links[0].href", "is required" },
        { "pagerduty", """{ "routing_key": "r", "event_action": "resolve", "dedup_key": "k", "images": [ "https://example.org/a.png" ] }""", "images[0]", "must be an object" },
        { "pagerduty", """[ { "routing_key": "r", "event_action": "resolve", "dedup_key": "k" }, { "routing_key": "r", "event_action": "resolve" } ]""", "[1].dedup_key", "is required for acknowledge and resolve" },
        { "pagerduty", """[ { "routing_key": "r", "event_action": "resolve", "dedup_key": "k" }, "resolve" ]""", "[1]", "must be an object" },
        { "pagerduty", "[]", "$", "must not be empty" },
        { "pagerduty", "\"trigger\"", "$", "must be a JSON object or array" },

        // Any format
        { "nagios", "{}", "format", "must be one of alertmanager, grafana, azure-monitor, pagerduty" },
        { "Alertmanager", "{}", "format", "must be one of alertmanager, grafana, azure-monitor, pagerduty" },
        { "alertmanager", "", "$", "must not be empty" },
        { "grafana", "42", "$", "must be a JSON object" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public void ParseDetailed_InvalidBody_NamesTheFieldAndTheRule(string format, string body, string field, string rule)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);

        (AlertBatch? batch, IReadOnlyList<AlertParseError> errors) = AlertParser.ParseDetailed(format, bytes, AlertPolicies.Standard);

        Assert.Null(batch);
        Assert.Equal(new AlertParseError(field, rule), Assert.Single(errors));
    }

    [Fact]
    public void Parse_SeveralErrors_ListsThemAllInOneStableMessage()
    {
        string body = Am(GoodTop.Replace("\"4\"", "\"3\"", StringComparison.Ordinal), """ "status": "firing", "labels": {}, "startsAt": "yesterday" """);

        var result = AlertPolicies.Parse("alertmanager", body);

        Assert.False(result.IsOk);
        Assert.Equal("version: must be \"4\"; alerts[0].startsAt: must be an RFC 3339 time", result.Reason);
    }

    [Fact]
    public void ParseDetailed_SameMistakeInManyAlerts_StopsListingAfter50()
    {
        string alerts = string.Join(",", Enumerable.Repeat("""{ "status": "firing", "labels": {}, "startsAt": "never" }""", 80));
        string body = $$"""{ {{GoodTop}}, "alerts": [{{alerts}}] }""";

        (_, IReadOnlyList<AlertParseError> errors) = AlertParser.ParseDetailed("alertmanager", Encoding.UTF8.GetBytes(body), AlertPolicies.Standard);

        Assert.Equal(51, errors.Count);
        Assert.Equal(new AlertParseError("alerts[49].startsAt", "must be an RFC 3339 time"), errors[49]);
        Assert.Equal(new AlertParseError("$", "has more errors than the first 50 listed"), errors[50]);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{ \"version\": \"4\", }")]
    [InlineData("<alert/>")]
    [InlineData("{ \"version\": \"4\" } trailing")]
    public void ParseDetailed_NotJson_IsRejectedAsNotJson(string body)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);

        (AlertBatch? batch, IReadOnlyList<AlertParseError> errors) = AlertParser.ParseDetailed("alertmanager", bytes, AlertPolicies.Standard);

        Assert.Null(batch);
        AlertParseError error = Assert.Single(errors);
        Assert.Equal("$", error.Field);
        Assert.StartsWith("must be JSON (line 1, byte ", error.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseDetailed_InvalidUtf8_IsRejectedBeforeJson()
    {
        byte[] bytes = [.. "{ \"version\": \""u8, 0xC3, 0x28, .. "\" }"u8];

        (AlertBatch? batch, IReadOnlyList<AlertParseError> errors) = AlertParser.ParseDetailed("alertmanager", bytes, AlertPolicies.Standard);

        Assert.Null(batch);
        Assert.Equal(new AlertParseError("$", "must be UTF-8"), Assert.Single(errors));
    }

    [Fact]
    public void ParseDetailed_Latin1Body_IsRejectedAsNotUtf8()
    {
        byte[] bytes = Encoding.Latin1.GetBytes("""{ "routing_key": "r", "event_action": "resolve", "dedup_key": "Störung" }""");

        var result = AlertParser.Parse("pagerduty", bytes, AlertPolicies.Standard);

        Assert.False(result.IsOk);
        Assert.Equal("$: must be UTF-8", result.Reason);
    }

    [Fact]
    public void ParseDetailed_DuplicateField_IsRejectedAsAmbiguous()
    {
        string body = """{ "routing_key": "r", "event_action": "resolve", "event_action": "trigger", "dedup_key": "k" }""";

        (AlertBatch? batch, IReadOnlyList<AlertParseError> errors) = AlertParser.ParseDetailed("pagerduty", Encoding.UTF8.GetBytes(body), AlertPolicies.Standard);

        Assert.Null(batch);
        Assert.StartsWith("must be JSON", Assert.Single(errors).Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ByteOrderMark_IsSkipped()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. """{ "routing_key": "r", "event_action": "resolve", "dedup_key": "k" }"""u8];

        var result = AlertParser.Parse("pagerduty", bytes, AlertPolicies.Standard);

        Assert.True(result.IsOk, result.Reason);
        Assert.Equal("pagerduty:k", Assert.Single(result.Value!.Alerts).Identity);
    }

    [Fact]
    public void Parse_NullOptionalFields_AreTreatedAsAbsent()
    {
        string body = Am(GoodTop + """, "truncatedAlerts": null, "externalURL": null """, GoodAlert + """, "annotations": null, "endsAt": null, "fingerprint": null """);

        var result = AlertPolicies.Parse("alertmanager", body);

        Assert.True(result.IsOk, result.Reason);
        Assert.Null(Assert.Single(result.Value!.Alerts).EndsAt);
    }

    [Fact]
    public void Formats_ListsTheFourRoutes()
    {
        var formats = AlertParser.Formats;

        Assert.Equal(["alertmanager", "grafana", "azure-monitor", "pagerduty"], formats);
    }

    private static string Am(string top, string alert) => $$"""{ {{top}}, "alerts": [ { {{alert}} } ] }""";

    private static string Azure(string essentials) =>
        $$"""{ "schemaId": "azureMonitorCommonAlertSchema", "data": { "essentials": { {{essentials}} }, "alertContext": {} } }""";
}
