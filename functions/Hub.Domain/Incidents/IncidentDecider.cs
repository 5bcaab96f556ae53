using System.Globalization;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Rota;
using Hub.Domain.Tickets;

namespace Hub.Domain.Incidents;

/// <summary>
/// The incident playbook (DESIGN 5.3) as an aggregate (kind "incident", id = the ticket number): escalation chain on
/// durable timers, acknowledgement, Recipient List, restart check, SCRUM gate, Tech-Lead-only delegation, keep-chasing
/// reminders, post-mortem due in working days with reminders, daily status, and the bug-report hand-off.
/// </summary>
public sealed partial class IncidentDecider(HubConfiguration config) : IDecider<IncidentState, IncidentCommand, IncidentEvent>
{
    public const string AggregateKind = "incident";

    /// <summary>The discriminator of the connector outcome command (connectors contract, <c>Reply.Type</c>).</summary>
    public const string ConnectorReplyType = "hand-off-outcome";

    public const string EscalationTimer = "escalation";
    public const string ChaseTimer = "chase";
    public const string PostMortemTimer = "post-mortem";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => AggregateKind;

    public IncidentState Initial => IncidentState.None;

    private IncidentSettings Settings => config.Incidents;

    public Result<Decision<IncidentEvent>> Decide(IncidentState state, IncidentCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        if (command is OpenIncident open)
        {
            return Open(state, open, now);
        }

        if (command is HandOff handOff)
        {
            return RequestHandOff(state, handOff, now);
        }

        if (!state.Exists)
        {
            return Reject($"There is no incident for this ticket; {command.GetType().Name} needs an open incident.");
        }

        return command switch
        {
            AcknowledgeIncident c => Acknowledge(state, c, now),
            EditRecipients c => EditRecipients(state, c, now),
            RecordRestartCheck c => RestartCheck(state, c, now),
            RecordScrum c => Scrum(state, c, now),
            DelegateTask c => Delegate(state, c, now),
            PostStatus c => PostStatus(state, c, now),
            StartResolution c => StartResolution(state, c, now),
            ResolveIncident c => Resolve(state, c, now),
            ClosePostMortem c => ClosePostMortem(state, c, now),
            HandOffOutcome c => HandOffOutcome(state, c, now),
            EscalationDue c => EscalationDue(state, c, now),
            ChaseDue c => ChaseDue(state, c, now),
            PostMortemDue c => PostMortemDue(state, c, now),
            SendDailyStatus c => DailyStatus(state, c, now),
            _ => Reject($"Unknown incident command {command.GetType().Name}."),
        };
    }

    public Result<IncidentCommand> OnTimer(IncidentState state, TimerFired timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return timer.Name switch
        {
            EscalationTimer => Result<IncidentCommand>.Ok(new EscalationDue(Actor.System)),
            ChaseTimer => Result<IncidentCommand>.Ok(new ChaseDue(Actor.System)),
            PostMortemTimer => Result<IncidentCommand>.Ok(new PostMortemDue(Actor.System)),
            _ => Result<IncidentCommand>.Rejected($"Incidents set no timer called '{timer.Name}'."),
        };
    }

    public string? StateName(IncidentState state) => state is { Exists: true } ? state.Status : null;

    private static Result<Decision<IncidentEvent>> Reject(string reason) => Result<Decision<IncidentEvent>>.Rejected(reason);

    private static Result<Decision<IncidentEvent>> Ok(
        IReadOnlyList<IncidentEvent> events, IEnumerable<SideEffect?>? effects = null, IReadOnlyList<TimerRequest>? timers = null, IReadOnlyList<string>? cancel = null) =>
        Result<Decision<IncidentEvent>>.Ok(new Decision<IncidentEvent>(events, (effects ?? []).OfType<SideEffect>().ToList(), timers, cancel));

    private RotaDefinition? CurrentRota(IncidentState state) => config.Rota(state.Rota.Length > 0 ? state.Rota : Settings.Rota);

    /// <summary>The Tech Lead's lead as recorded when the incident opened.</summary>
    private static string[] LeadOf(IncidentState state) => state.TeamLead is { } lead ? [lead] : [];

    /// <summary>The reason a value that ends up in a mail subject is refused: it holds a line break or another control character.</summary>
    private static string? MultiLine(string value, string field) =>
        value.Trim().Any(char.IsControl)
            ? $"{field}: must be a single line without line breaks or control characters (it goes into mail subjects)."
            : null;

    private static string Number(long ticket) => ticket.ToString(CultureInfo.InvariantCulture);

    private static string Format(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
