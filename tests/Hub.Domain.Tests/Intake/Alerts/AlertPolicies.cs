using System.Text;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Intake.Alerts;

namespace Hub.Domain.Tests.Intake.Alerts;

internal static class AlertPolicies
{
    public static readonly AlertIntakeDefinition Standard = new(
        "ProductionDefect",
        [
            new SeverityMapping("critical", 1, AlertClassification.Urgent),
            new SeverityMapping("error", 2, AlertClassification.BugReport),
            new SeverityMapping("warning", 3, AlertClassification.BugReport),
            new SeverityMapping("info", 5, AlertClassification.Informational),
            new SeverityMapping("Sev0", 1, AlertClassification.Urgent),
            new SeverityMapping("Sev1", 2, AlertClassification.Urgent),
            new SeverityMapping("Sev2", 3, AlertClassification.BugReport),
            new SeverityMapping("Sev3", 4, AlertClassification.Informational),
            new SeverityMapping("Sev4", 5, AlertClassification.Informational),
        ],
        new SeverityMapping("unclassified", 4, AlertClassification.Informational));

    public static Result<AlertBatch> Parse(string format, string json) =>
        AlertParser.Parse(format, Encoding.UTF8.GetBytes(json), Standard);

    public static AlertBatch ParseOk(string format, string json)
    {
        Result<AlertBatch> result = Parse(format, json);
        Assert.True(result.IsOk, result.Reason);
        return result.Value!;
    }
}
