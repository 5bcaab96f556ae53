using System.Globalization;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Changes;

/// <summary>
/// The change request aggregate (kind "change", id = its ProductionDeploy ticket number), DESIGN 5.4: the
/// pipeline-planning gate, promotion through the service's tiers in order under the system access rules, release
/// windows for production-like tiers (a durable timer waits for the next one), installation outcomes, the tag and
/// branch names, last-known-good (vetting on STAGE, production only for vetted builds, rollback) and the history with
/// time in each state. Installations and library records are side effects, carried out after the commit.
/// </summary>
/// <remarks>
/// Roles: developers may promote to and roll back development tiers (DEV, TEST); every other tier (STAGE, TRN, PROD,
/// LIVE) is production-like and needs a system integrator. TRN is production-like because real people use it. A
/// service named DEV/TEST/LIVE has no STAGE, so its TEST installation vets what LIVE may take (see
/// <see cref="ChangeTiers.Vetting"/>). A rollback restores known-good software and does not wait for a window.
/// </remarks>
public sealed partial class ChangeDecider(ChangeSettings settings) : IDecider<ChangeState, ChangeCommand, ChangeEvent>
{
    public const string AggregateKind = "change";

    /// <summary>The timer a promotion waits on until its window opens; payload = the tier.</summary>
    public const string WindowOpenTimer = "window-open";

    /// <summary>The timer that notices a window closing while an installation still runs; payload = the tier.</summary>
    public const string WindowCloseTimer = "window-close";

    public const int MaxSummaryLength = 200;

    public string Kind => AggregateKind;

    public ChangeState Initial => ChangeState.None;

    public static string IdOf(long number) => number.ToString(CultureInfo.InvariantCulture);

    public Result<Decision<ChangeEvent>> Decide(ChangeState state, ChangeCommand command, DateTimeOffset now) => Evaluate(state, command, now).ToResult();

    /// <summary><see cref="Decide"/> with the refusal typed: the rule and the field, for the HTTP layer's problem details.</summary>
    public ChangeVerdict Evaluate(ChangeState state, ChangeCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        if (command is OpenChange open)
        {
            return Open(state, open, now);
        }

        if (!state.Exists)
        {
            return ChangeVerdict.Refuse(ChangeRule.NotFound, "id", $"The change does not exist; {command.GetType().Name} needs an opened change.");
        }

        return command switch
        {
            DecideGate c => Gate(state, c, now),
            RequestPromotion c => Promote(state, c, now),
            WindowOpened c => Opened(state, c, now),
            WindowClosed c => WindowShut(state, c, now),
            RecordInstallation c => Installation(state, c, now),
            RequestRollback c => Rollback(state, c, now),
            WithdrawBuild c => Withdraw(state, c, now),
            CancelChange c => Cancel(state, c, now),
            _ => ChangeVerdict.Refuse(ChangeRule.UnknownCommand, "type", $"Unknown change command {command.GetType().Name}."),
        };
    }

    public Result<ChangeCommand> OnTimer(ChangeState state, TimerFired timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return timer.Name switch
        {
            WindowOpenTimer => Result<ChangeCommand>.Ok(new WindowOpened(ChangeActor.Hub, timer.Payload, timer.DueAt)),
            WindowCloseTimer => Result<ChangeCommand>.Ok(new WindowClosed(ChangeActor.Hub, timer.Payload, timer.DueAt)),
            _ => Result<ChangeCommand>.Rejected($"Changes know no timer '{timer.Name}'."),
        };
    }

    public string? StateName(ChangeState state) => state is { Exists: true } ? state.Name : null;

    /// <summary>The service's windows as the change recorded them (validated when it opened).</summary>
    public static ReleaseWindows WindowsOf(ChangeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ChangeService service = state.Service ?? throw new InvalidOperationException("The change has no service.");
        return ReleaseWindows.Create(service.TimeZone, service.Windows, service.Slots).Value
            ?? throw new InvalidOperationException($"The windows of change #{state.Number} no longer validate.");
    }

    private ChangeVerdict Open(ChangeState state, OpenChange c, DateTimeOffset now)
    {
        if (state.Exists)
        {
            return ChangeVerdict.Refuse(ChangeRule.AlreadyExists, "number", $"Change #{state.Number} already exists.");
        }

        if (Invalid(c) is { } invalid)
        {
            return ChangeVerdict.Refuse(ChangeRule.InvalidField, FieldOf(invalid), invalid);
        }

        bool gate = c.Kind is ChangeKind.NewSystem or ChangeKind.Enhancement or ChangeKind.LongTermFix;
        var opened = new ChangeOpened(c.Number, c.Service, c.Version, c.Kind, c.Summary.Trim(), c.Build, gate, c.Actor.Name, now);
        ChangeState after = Evolve(state, opened);

        var effects = new List<SideEffect?>();
        if (!c.TicketExists)
        {
            var create = new CreateTicket(
                Actor.System,
                c.Number,
                settings.Queue,
                $"{(after.Emergency ? "[EMERGENCY] " : "")}Deploy {Title(after)}",
                $"{after.Summary}\n\nKind: {after.Kind}. Tiers: {string.Join(" -> ", c.Service.Tiers.Select(t => t.Name))}. Requested by {c.Actor.Name}.",
                CustomFields: new Dictionary<string, string> { ["Service"] = c.Service.Name, ["Kind"] = c.Kind.ToString() },
                Source: "change");
            effects.Add(AggregateCommand.Create<TicketCommand>(TicketDecider.AggregateKind, IdOf(c.Number), create, c.Actor.Name));
        }

        string body = gate
            ? $"{after.Summary}\n\n{Sentence(Describe(after.Kind))} passes the pipeline-planning gate first: isda-pipeline, approve or decline it with a reason."
            : $"{after.Summary}\n\n{Sentence(Describe(after.Kind))} skips the pipeline-planning gate{(after.Emergency ? " and stays flagged as an emergency" : "")}; it may be promoted to {c.Service.Tiers[0].Name}.";
        effects.Add(Notify(after, "requested", body, gate ? settings.Pipeline : null));
        return Accept([opened], effects);
    }

    /// <summary>Why <paramref name="c"/> cannot open a change ("field: rule"), or null: what Decide checks of the command itself.</summary>
    public static string? Invalid(OpenChange c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Number <= 0)
        {
            return "number: must be positive.";
        }

        if (string.IsNullOrWhiteSpace(c.Summary) || c.Summary.Trim().Length > MaxSummaryLength)
        {
            return $"summary: required, at most {MaxSummaryLength} characters.";
        }

        if (!Enum.IsDefined(c.Kind))
        {
            return "kind: NewSystem, Enhancement, Fix, LongTermFix or Emergency.";
        }

        if (ChangeNames.CheckVersion(c.Version) is { } version)
        {
            return version;
        }

        if (c.Service is null || string.IsNullOrWhiteSpace(c.Service.Name))
        {
            return "service: required.";
        }

        if (ChangeTiers.Check(c.Service.Tiers) is { } tiers)
        {
            return $"service.{tiers}";
        }

        Result<ReleaseWindows> windows = ReleaseWindows.Create(c.Service.TimeZone, c.Service.Windows, c.Service.Slots);
        if (!windows.IsOk)
        {
            return $"service.{windows.Reason}";
        }

        return c.Build is { } build && (build.Kind != LoadsetKind.Bin || build.Status is not (LoadsetStatus.Dev or LoadsetStatus.Stable))
            ? $"build: a change delivers a dev or stable bin loadset; {build} is not one."
            : null;
    }

    private static string FieldOf(string reason) => reason[..Math.Max(0, reason.IndexOf(':', StringComparison.Ordinal))];

    private static string Title(ChangeState state) => $"{state.Service!.Name} {state.Version ?? "(no version)"}";

    private static string Describe(ChangeKind kind) => kind switch
    {
        ChangeKind.NewSystem => "a new system",
        ChangeKind.Enhancement => "an enhancement",
        ChangeKind.Fix => "a short-term fix",
        ChangeKind.LongTermFix => "a long-term fix",
        _ => "an emergency change",
    };

    private static string Sentence(string text) => string.Concat(text[..1].ToUpperInvariant(), text[1..]);

    private static ChangeVerdict Accept(IReadOnlyList<ChangeEvent> events, IEnumerable<SideEffect?>? effects = null, IReadOnlyList<TimerRequest>? timers = null, IReadOnlyList<string>? cancel = null) =>
        ChangeVerdict.Accept(new Decision<ChangeEvent>(events, (effects ?? []).OfType<SideEffect>().ToList(), timers, cancel));

    private static string Format(DateTimeOffset at, TimeZoneInfo zone) => string.Create(
        CultureInfo.InvariantCulture,
        $"{TimeZoneInfo.ConvertTime(at, zone):ddd yyyy-MM-dd HH:mm} {zone.Id} ({at.ToUniversalTime():yyyy-MM-dd HH:mm} UTC)");
}
