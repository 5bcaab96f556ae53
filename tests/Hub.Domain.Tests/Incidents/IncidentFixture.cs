using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Incidents;
using Hub.Domain.Rota;
using Hub.Domain.Tickets;

namespace Hub.Domain.Tests.Incidents;

/// <summary>A DESIGN 5.3 configuration with a weekly rota in Europe/Zurich, and the actors of an incident.</summary>
internal static class IncidentFixture
{
    public static readonly TimeZoneInfo Zurich = TimeZoneInfo.FindSystemTimeZoneById("Europe/Zurich");

    public static readonly Actor Operator = new("op@ops.example", Role.Operator);
    public static readonly Actor Alice = new("alice", Role.Operator);
    public static readonly Actor Bob = new("bob", Role.Operator);
    public static readonly Actor Tess = new("tess", Role.Operator);

    public static readonly RotaDefinition Rota = new(
        "on-call",
        Zurich,
        ShiftLength.Weekly,
        new TimeOnly(9, 0),
        new DateOnly(2026, 11, 2), // a Monday
        [new RotaMember("alice", "alice@example.org"), new RotaMember("bob", "bob@example.org", Lead: "lena@example.org")],
        [],
        "tess@example.org",
        "max@example.org");

    public static HubConfiguration Config(RotaDefinition? rota = null, IncidentSettings? settings = null) => new(
        [new LifecycleDefinition("default", [new("new", StatusKind.Initial), new("resolved", StatusKind.Inactive)], [])],
        [new QueueDefinition("ProductionDefect", "default", [new("RecipientList", CustomFieldType.Text), new("Team", CustomFieldType.Text)])],
        [
            new ContactList("isda-pipeline", "isda-pipeline@example.org", true),
            new ContactList("isda-integrators", "isda-integrators@example.org", true),
            new ContactList("map-support", "map-support@example.org", true),
            new ContactList("computing-help", "computing-help@example.org", true),
            new ContactList("amit", "amit@example.org", true),
        ],
        new MailIntakeDefinition([], [], [], [], "ProductionDefect", "ProductionDefect"),
        new AlertIntakeDefinition("ProductionDefect", [], new SeverityMapping("default", 30, AlertClassification.Informational)),
        [])
    {
        Rotas = [rota ?? Rota],
        Connectors = [new ConnectorDefinition("rt", ConnectorType.Rt, new Uri("https://rt.example.org"), "Hub__Connectors__RtToken", TimeSpan.FromSeconds(60), 4)],
        Incidents = settings ?? IncidentSettings.Default with
        {
            EndUserServices = ["portal"],
            TierManagers = new Dictionary<string, IReadOnlyList<string>> { ["PROD"] = ["prod-manager@example.org"], ["TEST"] = ["test-manager@example.org"] },
            HandOffConnector = "rt",
        },
    };

    public static OpenIncident Open(long ticket = 42, string? service = "archive", bool endUser = false) =>
        new(Operator, ticket, "ProductionDefect", "Archive unresponsive", service, endUser, "reporter@example.com");
}

/// <summary>
/// Drives an incident the way the durable runtime does, with a clock the test moves: commands are decided at
/// <see cref="Now"/>, timers are kept by name (a new one supersedes, a cancel removes) and fire in due order.
/// </summary>
internal sealed class IncidentRun(HubConfiguration config, DateTimeOffset start)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<string, DateTimeOffset> _timers = new(StringComparer.Ordinal);

    public IncidentDecider Decider { get; } = new(config);

    public IncidentState State { get; private set; } = IncidentState.None;

    public DateTimeOffset Now { get; private set; } = start;

    public List<IncidentEvent> Events { get; } = [];

    public List<SideEffect> Effects { get; } = [];

    /// <summary>Timer name -> the instant it fired.</summary>
    public List<(string Name, DateTimeOffset At)> Fired { get; } = [];

    public IReadOnlyDictionary<string, DateTimeOffset> Timers => _timers;

    public IEnumerable<TicketNotification> Mails => Effects
        .Where(e => e.Kind == TicketDecider.NotifyEffect)
        .Select(e => JsonSerializer.Deserialize<TicketNotification>(e.Payload, Json)!);

    public Result<Decision<IncidentEvent>> Send(IncidentCommand command)
    {
        // Round-trip through JSON as the work queue does, so the command hierarchy's discriminators are exercised.
        IncidentCommand wire = JsonSerializer.Deserialize<IncidentCommand>(JsonSerializer.Serialize(command, Json), Json)!;
        Result<Decision<IncidentEvent>> result = Decider.Decide(State, wire, Now);
        if (result.IsOk)
        {
            Apply(result.Value!);
        }

        return result;
    }

    /// <summary>Moves the clock to <paramref name="to"/>, firing every timer due on the way at its due time.</summary>
    public void AdvanceTo(DateTimeOffset to)
    {
        while (_timers.Where(t => t.Value <= to).OrderBy(t => t.Value).FirstOrDefault() is { Key: not null } due)
        {
            Now = due.Value;
            _timers.Remove(due.Key);
            Fired.Add((due.Key, due.Value));
            Result<IncidentCommand> command = Decider.OnTimer(State, new TimerFired(due.Key, "", due.Value));
            if (command.IsOk)
            {
                Send(command.Value!);
            }
        }

        Now = to;
    }

    public void Advance(TimeSpan by) => AdvanceTo(Now + by);

    private void Apply(Decision<IncidentEvent> decision)
    {
        foreach (IncidentEvent e in decision.Events)
        {
            // Events are stored as JSON: evolve from the stored form.
            IncidentEvent stored = JsonSerializer.Deserialize<IncidentEvent>(JsonSerializer.Serialize(e, Json), Json)!;
            State = Decider.Evolve(State, stored);
            Events.Add(stored);
        }

        State = JsonSerializer.Deserialize<IncidentState>(JsonSerializer.Serialize(State, Json), Json)!;
        foreach (string name in decision.CancelTimers)
        {
            _timers.Remove(name);
        }

        foreach (TimerRequest timer in decision.Timers)
        {
            _timers[timer.Name] = timer.DueAt;
        }

        Effects.AddRange(decision.Effects);
    }
}
