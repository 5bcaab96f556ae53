using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
using static Hub.Domain.Tests.Tickets.TicketFixture;

namespace Hub.Domain.Tests.Tickets;

// The runtime stores state, commands and events with System.Text.Json web defaults; all of them must round-trip.
public sealed class TicketJsonTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly AttachmentRef File = new("tickets/42/log.txt", "log.txt", "text/plain", 1024);

    private static readonly Dictionary<string, TicketCommand> Commands = new()
    {
        ["create"] = Defect() with
        {
            Requestors = ["a@x.example"],
            Cc = ["b@x.example"],
            AdminCc = ["c@x.example"],
            Priority = 90,
            CustomFields = new Dictionary<string, string> { ["Severity"] = "Major" },
            ExternalRef = new ExternalRef("rt", "1", "https://rt.example/1"),
            MessageId = "<m@x.example>",
            AutoSubmitted = true,
            Attachments = [File],
        },
        ["correspond"] = new Correspond(Mail, "Hello", "a@x.example", "<m2@x.example>", [File], AutoSubmitted: true),
        ["comment"] = new Comment(Operator, "Internal", "<m3@x.example>", [File]),
        ["change-status"] = new ChangeStatus(Operator, "resolved", "done"),
        ["set-owner"] = new SetOwner(Operator, "dev@ops.example"),
        ["set-priority"] = new SetPriority(Operator, 70),
        ["set-subject"] = new SetSubject(Operator, "New subject"),
        ["set-custom-fields"] = new SetCustomFields(Operator, new Dictionary<string, string?> { ["Severity"] = "Minor", ["Service"] = null }),
        ["add-watcher"] = new AddWatcher(Operator, WatcherKind.AdminCc, "lead@ops.example"),
        ["remove-watcher"] = new RemoveWatcher(Operator, WatcherKind.Requestor, "a@x.example"),
        ["add-link"] = new AddLink(Operator, LinkType.DependedOnBy, 99),
        ["add-external-ref"] = new AddExternalRef(Integrator, "rt", "77", "https://rt.example/77"),
        ["attach-files"] = new AttachFiles(Operator, [File]),
        ["alert-fired"] = new AlertFired(Integrator, Alert(firingCount: 3, seenAt: T0.AddHours(1)) with { ResolvedAt = T0.AddHours(2) }, T0.AddHours(1)),
        ["alert-resolved"] = new AlertResolved(Integrator, T0.AddHours(2)),
        ["needs-technical-resolution"] = new NeedsTechnicalResolution(Operator, "ProductionDefect"),
    };

    private static readonly Dictionary<string, TicketEvent> Events = new()
    {
        ["created"] = new TicketCreated(
            "mail", T0, 42, "ProductionDefect", "Subject", "Body", "new", 50, ["a@x.example"], ["b@x.example"], ["c@x.example"],
            new Dictionary<string, string> { ["Severity"] = "Major" }, "mail", new ExternalRef("rt", "1"), AlertClassification.BugReport,
            Alert(), "<m@x.example>", Internal: true, AutoSubmitted: false, [File]),
        ["corresponded"] = new Corresponded("mail", T0, "Hello", "a@x.example", "<m2@x.example>", [File], AutoSubmitted: true),
        ["commented"] = new Commented("op", T0, "Internal", null, []),
        ["status-changed"] = new StatusChanged("op", T0, "open", "resolved", "done", ToInactive: true),
        ["owner-changed"] = new OwnerChanged("op", T0, null, "dev@ops.example"),
        ["priority-changed"] = new PriorityChanged("op", T0, 50, 70),
        ["subject-changed"] = new SubjectChanged("op", T0, "Old", "New"),
        ["custom-fields-changed"] = new CustomFieldsChanged("op", T0, new Dictionary<string, string?> { ["Severity"] = "Minor", ["Service"] = null }),
        ["watcher-added"] = new WatcherAdded("op", T0, WatcherKind.Cc, "d@x.example"),
        ["watcher-removed"] = new WatcherRemoved("op", T0, WatcherKind.Requestor, "a@x.example"),
        ["link-added"] = new LinkAdded("op", T0, LinkType.ParentOf, 43),
        ["external-ref-added"] = new ExternalRefAdded("ci", T0, new ExternalRef("rt", "77", "https://rt.example/77")),
        ["files-attached"] = new FilesAttached("op", T0, [File]),
        ["alert-fired-again"] = new AlertFiredAgain("alertmanager", T0, Alert(firingCount: 2)),
        ["alert-resolved-noted"] = new AlertResolvedNoted("alertmanager", T0, T0.AddMinutes(-1), "Alert resolved at 2026-03-02 08:59:00 +00:00."),
        ["escalation-requested"] = new EscalationRequested("op", T0, "ProductionDefect"),
    };

    public static TheoryData<string> CommandNames => new(Commands.Keys);

    public static TheoryData<string> EventNames => new(Events.Keys);

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Serialize_EveryCommand_RoundTripsWithItsDiscriminator(string name)
    {
        TicketCommand command = Commands[name];

        string json = JsonSerializer.Serialize(command, Web);
        TicketCommand back = JsonSerializer.Deserialize<TicketCommand>(json, Web)!;

        Assert.StartsWith($"{{\"type\":\"{name}\",", json, StringComparison.Ordinal);
        Assert.Equal(command.GetType(), back.GetType());
        Assert.Equal(json, JsonSerializer.Serialize(back, Web));
    }

    [Theory]
    [MemberData(nameof(EventNames))]
    public void Serialize_EveryEvent_RoundTripsWithItsDiscriminator(string name)
    {
        TicketEvent @event = Events[name];

        string json = JsonSerializer.Serialize(@event, Web);
        TicketEvent back = JsonSerializer.Deserialize<TicketEvent>(json, Web)!;

        Assert.StartsWith($"{{\"type\":\"{name}\",", json, StringComparison.Ordinal);
        Assert.Equal(@event.GetType(), back.GetType());
        Assert.Equal(json, JsonSerializer.Serialize(back, Web));
    }

    [Fact]
    public void Serialize_Samples_CoverEveryDerivedType()
    {
        string[] commandTypes = Discriminators(typeof(TicketCommand));
        string[] eventTypes = Discriminators(typeof(TicketEvent));

        Assert.Equal(commandTypes.Order(), Commands.Keys.Order());
        Assert.Equal(eventTypes.Order(), Events.Keys.Order());
    }

    [Fact]
    public void Serialize_Command_WritesEnumsAsNames()
    {
        string json = JsonSerializer.Serialize<TicketCommand>(new AddLink(Operator, LinkType.DependsOn, 7), Web);

        Assert.Equal("""{"type":"add-link","kind":"DependsOn","number":7,"actor":{"name":"op@ops.example","role":"Operator"}}""", json);
    }

    [Fact]
    public void Serialize_Event_WritesActorNameAndAt()
    {
        string json = JsonSerializer.Serialize<TicketEvent>(new PriorityChanged("op", T0, 50, 70), Web);

        Assert.Equal("""{"type":"priority-changed","from":50,"to":70,"actor":"op","at":"2026-03-02T09:00:00+00:00"}""", json);
    }

    [Fact]
    public void Deserialize_CommandFromHandWrittenJson_ReadsIt()
    {
        const string json = """{"type":"change-status","actor":{"name":"op","role":"Operator"},"to":"resolved"}""";

        TicketCommand command = JsonSerializer.Deserialize<TicketCommand>(json, Web)!;

        Assert.Equal(new ChangeStatus(new Actor("op", Role.Operator), "resolved"), command);
    }

    [Fact]
    public void Deserialize_CreateWithoutOptionalLists_HasEmptyLists()
    {
        const string json = """{"type":"create","actor":{"name":"mail","role":"Integrator"},"number":5,"queue":"Admin","subject":"s","body":"b"}""";

        var create = Assert.IsType<CreateTicket>(JsonSerializer.Deserialize<TicketCommand>(json, Web));

        Assert.Empty(create.Requestors);
        Assert.Empty(create.CustomFields);
        Assert.Empty(create.Attachments);
        Assert.Equal("api", create.Source);
    }

    [Fact]
    public void Serialize_State_RoundTripsAndStaysUsable()
    {
        TicketState state = Given(
            Defect() with { CustomFields = new Dictionary<string, string> { ["Severity"] = "Major" }, MessageId = "<m@x.example>", Attachments = [File] },
            new AddLink(Operator, LinkType.RefersTo, 8),
            new AddExternalRef(Integrator, "rt", "77"),
            new SetOwner(Operator, "dev@ops.example"),
            new NeedsTechnicalResolution(Operator, "Admin"));
        state = Apply(state, new ChangeStatus(Developer, "open"), T0.AddMinutes(10));
        state = Apply(state, new ChangeStatus(Operator, "resolved"), T0.AddMinutes(40));

        string json = JsonSerializer.Serialize(state, Web);
        TicketState back = JsonSerializer.Deserialize<TicketState>(json, Web)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, Web));
        Assert.DoesNotContain("\"exists\"", json, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(30), back.TimeInStatus["open"]);
        Assert.Equal(T0.AddMinutes(40), back.ResolvedAt);
        Assert.Equal("critical", back.Alert!.Labels["severity"]);
        Assert.Equal(AlertClassification.Urgent, back.Classification);
        Assert.Equal([new TicketLink(LinkType.RefersTo, 8)], back.Links);
        Assert.Equal(new Escalation("Admin", T0), back.Escalation);
        Assert.Equal("open", Apply(back, new ChangeStatus(Operator, "open"), T0.AddMinutes(50)).Status);
    }

    private static string[] Discriminators(Type baseType) =>
        baseType.GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => (string)a.TypeDiscriminator!).ToArray();
}
