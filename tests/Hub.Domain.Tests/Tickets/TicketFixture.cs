using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Tests.Tickets;

/// <summary>A configuration shaped like DESIGN 5.1, actors for each role, and helpers to build a ticket's history.</summary>
internal static class TicketFixture
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static readonly Actor Integrator = new("ci@pipeline.example", Role.Integrator);
    public static readonly Actor Developer = new("dev@ops.example", Role.Developer);
    public static readonly Actor Operator = new("op@ops.example", Role.Operator);
    public static readonly Actor Admin = new("root@ops.example", Role.AppAdmin);
    public static readonly Actor Mail = new("mail", Role.Integrator);

    public static readonly LifecycleDefinition Default = new(
        "default",
        [
            new("new", StatusKind.Initial),
            new("open", StatusKind.Active),
            new("stalled", StatusKind.Active),
            new("resolved", StatusKind.Inactive),
            new("rejected", StatusKind.Inactive),
            new("deleted", StatusKind.Inactive),
        ],
        [
            new("new", "open", Role.Developer),
            new("new", "rejected", Role.Operator),
            new("new", "deleted", Role.AppAdmin),
            new("open", "stalled", Role.Developer),
            new("open", "resolved", Role.Operator),
            new("open", "rejected", Role.Operator),
            new("stalled", "open", Role.Developer),
            new("stalled", "resolved", Role.Operator),
            new("resolved", "open", Role.Operator),
            new("rejected", "deleted", Role.AppAdmin),
        ]);

    // No status called "resolved": auto-resolve takes the first Inactive status reachable.
    public static readonly LifecycleDefinition Release = new(
        "release",
        [new("submitted", StatusKind.Initial), new("verifying", StatusKind.Active), new("withdrawn", StatusKind.Inactive), new("published", StatusKind.Inactive)],
        [new("submitted", "verifying", Role.Integrator), new("verifying", "withdrawn", Role.Operator), new("verifying", "published", Role.Operator)]);

    public static readonly HubConfiguration Config = new(
        [Default, Release],
        [
            new QueueDefinition(
                "Customer-Support",
                "default",
                [new("CustomerId", CustomFieldType.Text, Pattern: @"C-\d{4}"), new("Product", CustomFieldType.Select, Values: ["Portal", "Archive", "API"])],
                DefaultPriority: 30,
                AdminCc: ["isda-support"]),
            new QueueDefinition(
                "ProductionDefect",
                "default",
                [new("Service", CustomFieldType.Text), new("Severity", CustomFieldType.Select, Values: ["Critical", "Major", "Minor"])],
                AutoResolveOnAlertResolved: true,
                AdminCc: ["map-support"],
                Mirror: "amit-auto-defect"),
            new QueueDefinition(
                "ProductionDeploy",
                "default",
                [
                    new("Tier", CustomFieldType.Select, Required: true, Values: ["DEV", "TEST", "STAGE", "PROD"]),
                    new("Window", CustomFieldType.DateTime),
                    new("Build", CustomFieldType.WholeNumber),
                    new("Effort", CustomFieldType.Number),
                    new("RollbackTested", CustomFieldType.Boolean),
                    new("ChangeDate", CustomFieldType.Date),
                    new("Runbook", CustomFieldType.Url),
                    new("ChangeId", CustomFieldType.Text, Pattern: @"CHG\d{6}"),
                ],
                DefaultPriority: 60,
                AdminCc: ["map-support"],
                Mirror: "amit-auto-deploy"),
            new QueueDefinition("Admin", "default", [], DefaultPriority: 20, AdminCc: ["computing-help"]),
            new QueueDefinition(
                "sw-rel",
                "release",
                [new("Version", CustomFieldType.Text, Required: true, Pattern: @"\d+\.\d+\.\d+")],
                AdminCc: ["isda-pipeline", "isda-integrators"]),
            new QueueDefinition("Release-Alerts", "release", [], AutoResolveOnAlertResolved: true, AdminCc: ["amit"]),
        ],
        [
            new("isda-support", "isda-support@hub.example", Internal: false),
            new("map-support", "map-support@hub.example", Internal: true),
            new("isda-pipeline", "isda-pipeline@hub.example", Internal: true),
            new("isda-integrators", "isda-integrators@hub.example", Internal: true),
            new("computing-help", "computing-help@hub.example", Internal: true),
            new("amit-auto-deploy", "amit-auto-deploy@hub.example", Internal: true),
            new("amit-auto-defect", "amit-auto-defect@hub.example", Internal: true),
            new("amit", "amit@hub.example", Internal: true),
        ],
        new MailIntakeDefinition([new("isda-support", "Customer-Support"), new("map-support", "ProductionDefect")], [], [], ["ops.example"], "Customer-Support", "ProductionDefect"),
        new AlertIntakeDefinition("ProductionDefect", [new("critical", 90, AlertClassification.Urgent)], new("warning", 50, AlertClassification.Informational)),
        []);

    public static TicketDecider Decider { get; } = new(Config);

    public static CreateTicket Customer(long number = 42) => new(
        Mail, number, "Customer-Support", "Printer on fire", "It is on fire.",
        Requestors: ["cust@client.example"], Cc: ["boss@client.example"], Source: "mail", MessageId: "<m1@client.example>");

    public static AlertInfo Alert(int firingCount = 1, DateTimeOffset? seenAt = null) => new(
        "fp-1a2b", "alertmanager", firingCount, T0, seenAt ?? T0,
        Labels: new Dictionary<string, string> { ["alertname"] = "DiskFull", ["severity"] = "critical" },
        Annotations: new Dictionary<string, string> { ["summary"] = "Disk 95% full" },
        Links: new Dictionary<string, string> { ["runbook"] = "https://runbooks.example/disk" },
        Service: "archive");

    public static CreateTicket Defect(string queue = "ProductionDefect", long number = 7) => new(
        new Actor("alertmanager", Role.Integrator), number, queue, "DiskFull on archive-01", "Disk 95% full",
        Source: "alert:alertmanager", Classification: AlertClassification.Urgent, Alert: Alert(), Internal: true);

    public static Decision<TicketEvent> Decide(TicketState state, TicketCommand command, DateTimeOffset now)
    {
        Result<Decision<TicketEvent>> result = Decider.Decide(state, command, now);
        Assert.True(result.IsOk, result.Reason);
        return result.Value!;
    }

    public static string? Refusal(TicketState state, TicketCommand command, DateTimeOffset now)
    {
        Result<Decision<TicketEvent>> result = Decider.Decide(state, command, now);
        Assert.False(result.IsOk);
        return result.Reason;
    }

    public static TicketState Apply(TicketState state, TicketCommand command, DateTimeOffset now) =>
        Decide(state, command, now).Events.Aggregate(state, Decider.Evolve);

    public static TicketState Given(params TicketCommand[] commands) =>
        commands.Aggregate(TicketState.None, (state, command) => Apply(state, command, T0));

    public static TicketState Status(TicketState state, string status)
    {
        string[] path = status switch
        {
            "new" => [],
            "open" => ["open"],
            "stalled" => ["open", "stalled"],
            "resolved" => ["open", "resolved"],
            "rejected" => ["rejected"],
            _ => ["deleted"],
        };
        return path.Aggregate(state, (s, to) => Apply(s, new ChangeStatus(Admin, to), T0));
    }
}
