using System.Globalization;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Tickets;

namespace Hub.Domain.Releases;

/// <summary>
/// The release aggregate (kind "release", id = the number of its ticket in the release queue): the RolloutProgress
/// table of DESIGN 5.2 (<see cref="ReleaseTransitions"/>), the StageRollout slot per major release, emergency and
/// override paths, Failed and admin retry, release.xml freeze, artifact areas, notifications, early-adopter reports
/// and metrics. The ticket, the slot and the repository are commanded through side effects, so each applies once.
/// </summary>
public sealed partial class ReleaseDecider(HubConfiguration config) : IDecider<ReleaseState, ReleaseCommand, ReleaseEvent>
{
    public const string AggregateKind = "release";

    /// <summary>The timer that reminds the owner when a state's deadline passes.</summary>
    public const string DeadlineTimer = "deadline";

    public const int MaxTitleLength = 200;

    public string Kind => AggregateKind;

    public ReleaseState Initial => ReleaseState.None;

    private ReleaseWorkflowDefinition Workflow => config.Releases;

    public static string IdOf(long number) => number.ToString(CultureInfo.InvariantCulture);

    public Result<Decision<ReleaseEvent>> Decide(ReleaseState state, ReleaseCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        if (command is OpenRelease open)
        {
            return Open(state, open, now);
        }

        if (!state.Exists)
        {
            return Reject($"The release does not exist; {command.GetType().Name} needs an opened release.");
        }

        return command switch
        {
            UploadMetadata c => UploadMetadata(state, c, now),
            RecordArtifact c => RecordArtifact(state, c, now),
            RequestTransition c => Transition(state, c.Actor, c.To, c.Reason, c.Override, c.QualityCriteriaReportUrl, state.Emergency, now),
            ExternalTransition c => External(state, c, now),
            SlotGranted c => Granted(state, c, now),
            SlotQueued c => Queued(state, c, now),
            ArtifactsDone c => ArtifactsDone(state, c, now),
            ArtifactsFailed c => ArtifactsFailed(state, c, now),
            FileStageRolloutReport c => Report(state, c, now),
            PublishConsolidatedReport c => Consolidated(state, c, now),
            DeadlinePassed c => Deadline(state, c, now),
            ReleaseConnectorOutcome c => ConnectorOutcome(state, c),
            _ => Reject($"Unknown release command {command.GetType().Name}."),
        };
    }

    public Result<ReleaseCommand> OnTimer(ReleaseState state, TimerFired timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return timer.Name == DeadlineTimer && Enum.TryParse(timer.Payload, out RolloutProgress progress)
            ? Result<ReleaseCommand>.Ok(new DeadlinePassed(ReleaseActor.Hub, progress, timer.DueAt))
            : Result<ReleaseCommand>.Rejected($"Releases know no timer '{timer.Name}'.");
    }

    public string? StateName(ReleaseState state) => state is { Exists: true } ? state.Progress.ToString() : null;

    private Result<Decision<ReleaseEvent>> Open(ReleaseState state, OpenRelease c, DateTimeOffset now)
    {
        if (state.Exists)
        {
            return Reject($"Release #{state.Number} already exists.");
        }

        if (Invalid(c) is { } invalid)
        {
            return Reject(invalid);
        }

        var draft = ReleaseState.None with { Number = c.Number, Provider = c.Provider, Emergency = c.Emergency, Watchers = c.Watchers };
        string? owner = Workflow.Owners.GetValueOrDefault(RolloutProgress.Submitted);
        IReadOnlyList<string> cc = CcFor(draft with { Owner = owner }, RolloutProgress.Submitted);
        var opened = new ReleaseOpened(
            c.Number, c.Title.Trim(), c.Provider, c.Emergency, c.AssociatedMajorRelease, c.ReleaseType, c.SyncProtocol?.ToLowerInvariant(), c.SyncUrl,
            c.ReleaseXmlUrl, c.Watchers, c.ExternalRef, owner, cc, c.Actor.Name, now);
        ReleaseState after = Evolve(state, opened);

        var effects = new List<SideEffect>();
        if (!c.TicketExists)
        {
            var create = new CreateTicket(
                Actor.System,
                c.Number,
                Workflow.Queue,
                $"Release {after.Title}",
                $"Release {after.Title} submitted by {c.Provider ?? c.Actor.Name}{(c.Emergency ? " (emergency release)" : "")}.",
                Source: "release",
                Internal: true);
            effects.Add(TicketCommand(c.Number, create));
        }

        if (owner is not null)
        {
            effects.Add(TicketCommand(c.Number, new SetOwner(Actor.System, owner)));
        }

        effects.AddRange(Notify(after, $"Release {after.Title} was submitted.", null));
        Decision<ReleaseEvent> decision = new([opened], effects, DeadlineTimers(after, RolloutProgress.Submitted, now));
        return Result<Decision<ReleaseEvent>>.Ok(decision);
    }

    /// <summary>Why <paramref name="c"/> cannot open a release ("field: rule"), or null: what Decide checks of the command itself.</summary>
    public static string? Invalid(OpenRelease c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return c.Number <= 0 ? "Number must be positive."
            : string.IsNullOrWhiteSpace(c.Title) ? "title: required."
            : c.Title.Length > MaxTitleLength ? $"title: at most {MaxTitleLength} characters."
            : CheckSync(c.SyncProtocol, c.SyncUrl)
            ?? CheckUrl("releaseXmlUrl", c.ReleaseXmlUrl)
            ?? (c.AssociatedMajorRelease is { } major && !ReleaseXml.IsToken(major) ? "associatedMajorRelease: letters, digits, '.', '_' or '-', up to 64." : null);
    }

    private static Result<Decision<ReleaseEvent>> UploadMetadata(ReleaseState state, UploadMetadata c, DateTimeOffset now)
    {
        if (state.MetadataFrozen || state.Progress != RolloutProgress.Submitted)
        {
            return Reject($"release.xml of release #{state.Number} was frozen when it left Submitted ({state.Progress} now); it is never replaced.");
        }

        if (!c.Actor.IsAnyOf([ReleaseTeam.Provider, ReleaseTeam.Qc, ReleaseTeam.Admin]))
        {
            return Reject($"Uploading release.xml needs the provider, the QC team or an admin; {c.Actor.Name} is none of them.");
        }

        return Ok([new MetadataUploaded(c.Metadata, c.Blob, c.Sha256, c.Actor.Name, now)]);
    }

    private static Result<Decision<ReleaseEvent>> RecordArtifact(ReleaseState state, RecordArtifact c, DateTimeOffset now)
    {
        if (state.Progress != RolloutProgress.Submitted)
        {
            return Reject($"Packages are uploaded while the release is Submitted; release #{state.Number} is {state.Progress}.");
        }

        ReleasePackage? package = state.Metadata?.Packages.FirstOrDefault(p => p.Path == c.Path);
        if (package is null)
        {
            return Reject($"Package path '{c.Path}' is not listed in release.xml of release #{state.Number}.");
        }

        return !string.Equals(package.Sha256, c.Sha256, StringComparison.OrdinalIgnoreCase)
            ? Reject($"Package '{package.Name}' ({c.Path}): SHA-256 {c.Sha256} does not match release.xml's {package.Sha256}.")
            : Ok([new ArtifactUploaded(c.Path, c.Size, c.Sha256.ToLowerInvariant(), c.Actor.Name, now)]);
    }

    private Result<Decision<ReleaseEvent>> Report(ReleaseState state, FileStageRolloutReport c, DateTimeOffset now)
    {
        if (Workflow.Team(c.Team) is not { } team)
        {
            return Reject($"team: '{c.Team}' is not an early-adopter team; teams are {string.Join(", ", Workflow.EarlyAdopters.Select(t => t.Name))}.");
        }

        if (!string.Equals(c.Actor.Name, team.Name, StringComparison.OrdinalIgnoreCase) && !c.Actor.IsAnyOf([ReleaseTeam.Sr, ReleaseTeam.Admin]))
        {
            return Reject($"A staged-rollout report for team {team.Name} is filed by that team, the SR team or an admin; {c.Actor.Name} is none of them.");
        }

        if (state.Progress != RolloutProgress.StageRollout)
        {
            return Reject($"Staged-rollout reports are filed while the release is in StageRollout; release #{state.Number} is {state.Progress}.");
        }

        if ((c.ReportUrl is null ? "reportUrl: required." : CheckUrl("reportUrl", c.ReportUrl)) is { } bad)
        {
            return Reject(bad);
        }

        var reported = new StageRolloutReported(team.Name, team.Ngi, c.Accepted, c.ReportUrl!, c.Comment, c.Actor.Name, now);
        ReleaseState after = Evolve(state, reported);
        string note = $"Early-adopter team {team.Name} ({team.Ngi}) {(c.Accepted ? "accepted" : "rejected")} the staged rollout: {c.ReportUrl}"
            + (string.IsNullOrWhiteSpace(c.Comment) ? "" : $"\n\n{c.Comment}");
        return Ok([reported], TicketCommand(state.Number, new Comment(Actor.System, note)), Metrics(after));
    }

    private Result<Decision<ReleaseEvent>> Consolidated(ReleaseState state, PublishConsolidatedReport c, DateTimeOffset now)
    {
        if (!c.Actor.IsAnyOf([ReleaseTeam.Sr, ReleaseTeam.Admin]))
        {
            return Reject($"The consolidated StageRollout report is published by the SR team or an admin; {c.Actor.Name} is neither.");
        }

        if (state.Progress is not (RolloutProgress.StageRollout or RolloutProgress.Production or RolloutProgress.Rejected))
        {
            return Reject($"The consolidated StageRollout report is published in StageRollout, Production or Rejected; release #{state.Number} is {state.Progress}.");
        }

        if (CheckUrl("reportUrl", c.ReportUrl) is { } bad)
        {
            return Reject(bad);
        }

        var published = new ConsolidatedReportPublished(c.ReportUrl, c.Actor.Name, now);
        ReleaseState after = Evolve(state, published);
        return Ok([published], Metrics(after));
    }

    private Result<Decision<ReleaseEvent>> Deadline(ReleaseState state, DeadlinePassed c, DateTimeOffset now)
    {
        if (state.Progress != c.State)
        {
            return Ok([]);
        }

        var missed = new DeadlineMissed(c.State, c.Due, now);
        string text = $"Release {state.Title} has been {c.State} since {Format(state.ProgressSince)}; its deadline was {Format(c.Due)}.";
        IReadOnlyList<string> to = state.Owner is { } owner ? [owner] : [];
        return Ok([missed], Mail(state, "deadline", to, $"[hub #{state.Number}] Release {state.Title}: {c.State} deadline passed", text));
    }

    private static Result<Decision<ReleaseEvent>> ConnectorOutcome(ReleaseState state, ReleaseConnectorOutcome c) =>
        Ok([new SyncBackRecorded(c.CallId, c.Connector, c.Operation, c.Succeeded, c.Error, c.WillRetry, c.At)]);

    private static string? CheckSync(string? protocol, string? url)
    {
        if (protocol is not null && !protocol.Equals("http", StringComparison.OrdinalIgnoreCase) && !protocol.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            return protocol.Equals("rsync", StringComparison.OrdinalIgnoreCase)
                ? "syncProtocol: rsync is not supported; the hub fetches packages over http or https only (or upload them with POST /api/releases/{id}/artifacts)."
                : $"syncProtocol: '{protocol}' is not supported; use http or https.";
        }

        if (url is null)
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return uri?.Scheme == "rsync"
                ? "syncUrl: rsync:// is not supported; the hub fetches packages over http or https only."
                : "syncUrl: must be an absolute http or https URL.";
        }

        return protocol is not null && !string.Equals(uri.Scheme, protocol, StringComparison.OrdinalIgnoreCase)
            ? $"syncUrl: its scheme '{uri.Scheme}' differs from syncProtocol '{protocol}'."
            : Credentials("syncUrl", uri);
    }

    private static string? CheckUrl(string field, string? url) =>
        url is null ? null
        : Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? Credentials(field, uri)
        : $"{field}: must be an absolute http or https URL.";

    // A URL is copied into comments, mails, the external ticket and logs: credentials in it would travel with it.
    private static string? Credentials(string field, Uri uri) =>
        uri.UserInfo.Length > 0 ? $"{field}: must not carry credentials (user:password@); the hub fetches without them." : null;

    private static SideEffect TicketCommand(long number, TicketCommand command) =>
        AggregateCommand.Effect(TicketDecider.AggregateKind, IdOf(number), command, "release");

    private static SideEffect Metrics(ReleaseState state) => ReleaseMetricsSnapshot.Effect(ReleaseMetricsSnapshot.Of(state));

    private static Result<Decision<ReleaseEvent>> Reject(string reason) => Result<Decision<ReleaseEvent>>.Rejected(reason);

    private static Result<Decision<ReleaseEvent>> Ok(IReadOnlyList<ReleaseEvent> events, params SideEffect?[] effects) =>
        Result<Decision<ReleaseEvent>>.Ok(new Decision<ReleaseEvent>(events, effects.OfType<SideEffect>().ToList()));

    private static string Format(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
