using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Storage.Durable;
using static Hub.Functions.Dashboard.DashboardHtml;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The release board and a release's detail page. The board is a column per RolloutProgress state, in the state
/// machine's order, with a card per release (number, title, major release, time in the state, late past the state's
/// deadline); each column shows at most <see cref="CardsPerColumn"/> cards (open states: emergencies, then the longest
/// waiting first) or <see cref="ClosedCardsPerColumn"/> (closed states: the latest first) and counts the rest. The
/// board, the Deferred queues and the reports are live regions: a moved release changes column without a reload.
/// </summary>
public static class ReleasesHtml
{
    /// <summary>The most cards an open state's column shows; the rest are counted (the board stays small with thousands of releases).</summary>
    public const int CardsPerColumn = 50;

    /// <summary>The most cards a closed state's column shows, the latest: the rest are history, counted.</summary>
    public const int ClosedCardsPerColumn = 10;

    /// <summary>The most closed releases the early-adopter report table lists besides those in StageRollout.</summary>
    public const int ClosedReportRows = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Style = """
        <style>
        .board{display:grid;grid-template-columns:repeat(auto-fill,minmax(13.5rem,1fr));gap:.75rem;align-items:start}
        .column{background:#eaeef2;border-radius:6px;padding:.5rem;min-width:0}
        .column h2{font-size:1rem;margin:.1rem 0 .5rem;display:flex;justify-content:space-between;gap:.5rem}
        .cards{list-style:none;margin:0;padding:0;display:grid;gap:.4rem}
        .card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:.4rem .5rem;overflow-wrap:anywhere}
        .card.emergency{border-left:4px solid #b42318}
        .card .meta{display:block;font-size:.85rem;color:#57606a}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem;overflow-wrap:anywhere}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
        .moves{display:flex;flex-wrap:wrap;gap:.5rem}ol.queue{margin:0;padding-left:1.4rem}
        </style>
        """;

    /// <summary>Who may ask to move a release: the roles of <c>POST /api/releases/{id}/transitions</c> (app-admin has every role); the release teams decide which moves.</summary>
    public static bool MayMove(DashboardSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Caller.Has(Role.Integrator) || session.Caller.Has(Role.Developer) || session.Caller.Has(Role.Operator);
    }

    /// <summary>
    /// The moves of the DESIGN 5.2 table from the release's state that <paramref name="actor"/>'s teams may ask for: not
    /// the hub's own (Deferred and its promotion), a retry only back to the state it failed in, the emergency moves
    /// only for an emergency release. The workflow still checks the rest (release.xml, artifacts, the slot) on the move.
    /// </summary>
    public static IReadOnlyList<ReleaseMove> MovesFor(ReleaseState release, ReleaseActor actor)
    {
        ArgumentNullException.ThrowIfNull(release);
        ArgumentNullException.ThrowIfNull(actor);
        return [.. ReleaseTransitions.Moves.Where(m => m.From == release.Progress && m.Kind != MoveKind.Automatic && actor.IsAnyOf(m.Teams)
            && (m.Kind != MoveKind.Retry || m.To == release.FailedFrom)
            && (m.Kind is not (MoveKind.EmergencyOnly or MoveKind.AdminOverride) || release.Emergency))
            .OrderBy(m => m.To)];
    }

    /// <summary>The notice after a move was accepted: where the release is now.</summary>
    public static string Moved(ReleaseState release, RolloutProgress asked)
    {
        ArgumentNullException.ThrowIfNull(release);
        return release.Progress == asked ? $"Release #{release.Number} moved to {asked}."
            : release.Progress == RolloutProgress.Deferred ? $"Release #{release.Number} moved to Deferred: the StageRollout slot of {release.MajorRelease} is taken."
            : release.Slot == SlotStatus.Requested ? $"Release #{release.Number} asked for {asked}; it waits for the answer of the StageRollout slot of {release.MajorRelease}."
            : $"Release #{release.Number} is {release.Progress}.";
    }

    /// <summary>The board: <paramref name="counts"/> per state; <paramref name="releases"/> the open ones and at least the latest closed ones each column shows.</summary>
    public static string Board(
        DashboardSession session,
        ReleaseWorkflowDefinition workflow,
        IReadOnlyDictionary<RolloutProgress, int> counts,
        IReadOnlyList<ReleaseState> releases,
        IReadOnlyList<SlotQueue> queues,
        DateTimeOffset now,
        string? notice)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(releases);
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(workflow);
        ILookup<RolloutProgress, ReleaseState> byState = releases.ToLookup(r => r.Progress);
        var columns = new StringBuilder();
        foreach (RolloutProgress state in Enum.GetValues<RolloutProgress>())
        {
            ReleaseState[] inState = [.. byState[state]];
            int count = Math.Max(counts.GetValueOrDefault(state), inState.Length);
            int shown = ReleaseTransitions.IsClosed(state) ? ClosedCardsPerColumn : CardsPerColumn;
            IEnumerable<ReleaseState> ordered = ReleaseTransitions.IsClosed(state)
                ? inState.OrderByDescending(r => r.ProgressSince).ThenByDescending(r => r.Number)
                : inState.OrderByDescending(r => r.Emergency).ThenBy(r => r.ProgressSince).ThenBy(r => r.Number);
            var cards = new StringBuilder();
            foreach (ReleaseState r in ordered.Take(shown))
            {
                cards.Append(Card(workflow, r, now));
            }

            string more = count > shown
                ? $"<p class=\"muted more\">and {count - shown} more (GET /api/releases?state={state})</p>"
                : "";
            columns.Append(CultureInfo.InvariantCulture, $"""
                <section class="column" data-state="{state}" aria-labelledby="col-{state}"><h2 id="col-{state}"><span>{state}</span><span class="count" aria-label="{count} releases">{count}</span></h2>
                <ol class="cards">{cards}</ol>{more}</section>
                """).Append('\n');
        }

        string body = $"""
            {Style}
            <h1>Release board</h1>
            {Notice(notice)}
            <p class="muted">{counts.Values.Sum()} releases; a card shows the release's time in its state (red past the state's deadline).</p>
            <div id="board" data-live><div class="board">
            {columns}</div></div>
            <h2>Deferred queue per major release</h2>
            <div id="deferred" data-live>{Queues(queues, now)}</div>
            <h2>Early-adopter reports</h2>
            <div id="reports" data-live>{Reports(workflow, releases)}</div>
            """;
        return Page("Release board", session, body, "/releases");
    }

    public static string Detail(
        DashboardSession session, ReleaseWorkflowDefinition workflow, ReleaseState release, IReadOnlyList<EventRecord> history, ReleaseSlotState? slot,
        IReadOnlyList<ReleaseMove> moves, DateTimeOffset now, string? notice)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(release);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(moves);
        ReleaseState r = release;
        string id = r.Number.ToString(CultureInfo.InvariantCulture);
        TimeSpan inState = now - r.ProgressSince;
        string place = slot is null ? "" : Position(slot, r.Number) is int p and > 0
            ? $" (position {p} of {slot.Waiting.Count} for the StageRollout slot of {E(r.MajorRelease)}{(slot.Holder is { } holder ? $", held by <a href=\"/releases/{holder}\">#{holder}</a>" : "")})"
            : "";
        string facts = $"""
            <dl class="facts">
            <dt>RolloutProgress</dt><dd class="state">{E(r.Progress.ToString())}{place}</dd>
            <dt>In this state</dt><dd class="{(IsLate(workflow, r, now) ? "late" : "")}">{Span(inState)} (since {At(r.ProgressSince)}){(Deadline(workflow, r) is { } d ? $"; deadline {Span(d)}" : "")}</dd>
            <dt>Status</dt><dd>{E(r.Status)}{(r.Emergency ? " <strong class=\"late\">emergency</strong>" : "")}</dd>
            <dt>Major release</dt><dd>{E(r.MajorRelease ?? "-")}</dd>
            <dt>Owner</dt><dd>{E(r.Owner ?? "-")}</dd>
            <dt>Provider</dt><dd>{E(r.Provider ?? "-")}</dd>
            <dt>Ticket</dt><dd><a href="/tickets/{id}">#{id}</a></dd>
            <dt>Repository</dt><dd>{(r.RepositoryUrl is { } repo ? Link(repo) : "-")}{(r.ArtifactsPendingFor is { } pending ? $" <span class=\"muted\">(artifacts on their way to the {pending} area)</span>" : "")}</dd>
            {(r.QualityCriteriaReportUrl is { } qc ? $"<dt>Quality criteria report</dt><dd>{Link(qc)}</dd>" : "")}
            {(r.FailureReason is { } failure ? $"<dt>Failed</dt><dd class=\"late\">in {E(r.FailedFrom?.ToString())}: {E(failure)}</dd>" : "")}
            {(r.RepositoryFailure is { } repoFailure ? $"<dt>Repository step failed</dt><dd class=\"late\">{E(repoFailure)}</dd>" : "")}
            <dt>Created</dt><dd>{At(r.CreatedAt)}</dd>
            </dl>
            """;

        string actions = MayMove(session)
            ? moves.Count == 0
                ? "<p class=\"muted\">No move from this state is yours to make.</p>"
                : $"<div class=\"moves\">{string.Concat(moves.Select(m => MoveForm(session, r, m)))}</div>"
            : "";

        // Time in each state, in the state machine's order, the open interval included.
        IReadOnlyDictionary<RolloutProgress, TimeSpan> times = r.TimeInStateAt(now);
        string timeRows = string.Concat(Enum.GetValues<RolloutProgress>().Where(times.ContainsKey).Select(s =>
            $"<tr data-state=\"{s}\"><td>{s}{(s == r.Progress ? " <span class=\"muted\">(now)</span>" : "")}</td><td>{Span(times[s])}</td></tr>\n"));

        string body = $"""
            {Style}
            <p><a href="/releases">Release board</a></p>
            <h1>Release #{id}: {E(r.Title)}</h1>
            {Notice(notice)}
            <div id="release" data-live>
            {facts}
            {(actions.Length == 0 ? "" : $"<h2>Move</h2>{actions}")}
            <h2>Time in each state</h2>
            {Table(["State", "Time"], timeRows, "times")}
            <h2>History</h2>
            {Table(["When", "Move", "By", "Reason", "Time in previous state"], Transitions(history), "history")}
            {(r.Reports.Count == 0 && r.ConsolidatedReportUrl is null ? "" : $"<h2>Staged-rollout reports</h2>{ReleaseReports(r)}")}
            <h2>Other events</h2>
            {Table(["When", "Event", "By"], string.Concat(history.Where(e => e.Type != nameof(ProgressChanged)).Select(e => $"<tr><td>{At(e.At)}</td><td>{E(e.Type)}</td><td>{E(e.Actor)}</td></tr>\n")), "events")}
            </div>
            """;
        return Page($"Release #{id}", session, body, "/releases");
    }

    public static string Missing(DashboardSession session, long id) =>
        Page("No such release", session, $"<p><a href=\"/releases\">Release board</a></p><h1>No such release</h1><p>Release #{id} does not exist.</p>", "/releases");

    private static string Card(ReleaseWorkflowDefinition workflow, ReleaseState r, DateTimeOffset now)
    {
        string id = r.Number.ToString(CultureInfo.InvariantCulture);
        bool late = IsLate(workflow, r, now);
        string reports = r.Progress == RolloutProgress.StageRollout && r.Reports.Count > 0
            ? $"<span class=\"meta\">{r.Reports.Count(x => x.Accepted)} accepted, {r.Reports.Count(x => !x.Accepted)} rejected</span>"
            : "";
        return $"""
            <li class="card{(r.Emergency ? " emergency" : "")}" data-release="{id}"><a href="/releases/{id}">#{id} {E(r.Title)}</a>
            <span class="meta">{E(r.MajorRelease ?? "no major release")}{(r.Emergency ? ", emergency" : "")}</span>
            <span class="meta since{(late ? " late" : "")}">{Span(now - r.ProgressSince)} in {r.Progress}</span>{reports}</li>
            """;
    }

    private static string Queues(IReadOnlyList<SlotQueue> queues, DateTimeOffset now)
    {
        SlotQueue[] waiting = [.. queues.Where(q => q.Waiting.Count > 0)];
        if (waiting.Length == 0)
        {
            return "<p>No release is Deferred: every major release's StageRollout slot is free or has nobody waiting.</p>";
        }

        var rows = new StringBuilder();
        foreach (SlotQueue q in waiting)
        {
            string holder = q.Holder is { } h ? $"<a href=\"/releases/{h.Number}\">#{h.Number} {E(h.Title)}</a> ({E(h.Progress.ToString())})" : "<span class=\"muted\">free</span>";
            string line = string.Join("", q.Waiting.Select((w, i) =>
                $"<li data-release=\"{w.Release.Number}\"><a href=\"/releases/{w.Release.Number}\">#{w.Release.Number} {E(w.Release.Title)}</a>{(w.Waiter.Emergency ? " <strong class=\"late\">emergency</strong>" : "")} <span class=\"muted\">waiting {Span(now - w.Waiter.Since)}</span></li>"));
            rows.Append(CultureInfo.InvariantCulture, $"<tr data-major=\"{E(q.MajorRelease)}\"><td>{E(q.MajorRelease)}</td><td>{holder}</td><td><ol class=\"queue\">{line}</ol></td></tr>\n");
        }

        return Table(["Major release", "In StageRollout", "Deferred, in turn"], rows.ToString(), "queues");
    }

    /// <summary>The releases in StageRollout, and the latest closed ones that were staged, with each early-adopter team's report and the consolidated report.</summary>
    private static string Reports(ReleaseWorkflowDefinition workflow, IReadOnlyList<ReleaseState> releases)
    {
        ReleaseState[] staged = [.. releases.Where(r => r.Progress == RolloutProgress.StageRollout).OrderBy(r => r.Number)
            .Concat(releases.Where(r => r.Progress is RolloutProgress.Production or RolloutProgress.Rejected && r.Entries.Any(e => e.State == RolloutProgress.StageRollout))
                .OrderByDescending(r => r.ProgressSince).Take(ClosedReportRows))];
        if (staged.Length == 0)
        {
            return "<p>No release is in StageRollout, and none staged has closed yet.</p>";
        }

        var rows = new StringBuilder();
        foreach (ReleaseState r in staged)
        {
            string teams = string.Concat(workflow.EarlyAdopters.Select(t => r.Reports.LastOrDefault(x => string.Equals(x.Team, t.Name, StringComparison.OrdinalIgnoreCase)) is { } x
                ? $"<td data-team=\"{E(t.Name)}\">{Link(x.ReportUrl, x.Accepted ? "accepted" : "rejected")}</td>"
                : $"<td data-team=\"{E(t.Name)}\" class=\"muted\">{(r.Progress == RolloutProgress.StageRollout ? "awaited" : "none")}</td>"));
            string consolidated = r.ConsolidatedReportUrl is { } url ? Link(url, "published") : "<span class=\"muted\">not yet</span>";
            rows.Append(CultureInfo.InvariantCulture, $"<tr data-release=\"{r.Number}\"><td><a href=\"/releases/{r.Number}\">#{r.Number} {E(r.Title)}</a></td><td>{E(r.Progress.ToString())}</td>{teams}<td>{consolidated}</td></tr>\n");
        }

        return Table(["Release", "State", .. workflow.EarlyAdopters.Select(t => $"{t.Name} ({t.Ngi})"), "Consolidated report"], rows.ToString(), "report-table");
    }

    private static string ReleaseReports(ReleaseState r)
    {
        string rows = string.Concat(r.Reports.Select(x =>
            $"<tr><td>{At(x.At)}</td><td>{E(x.Team)} ({E(x.Ngi)})</td><td>{(x.Accepted ? "accepted" : "<span class=\"late\">rejected</span>")}</td><td>{Link(x.ReportUrl)}</td><td>{E(x.Comment ?? "")}</td></tr>\n"));
        string consolidated = r.ConsolidatedReportUrl is { } url
            ? $"<p>Consolidated report: {Link(url)} ({(r.ConsolidatedReportAt is { } at ? At(at) : "")})</p>"
            : "<p class=\"muted\">No consolidated report yet.</p>";
        return (r.Reports.Count == 0 ? "<p>No early-adopter report yet.</p>" : Table(["When", "Team", "Result", "Report", "Comment"], rows, "reports")) + consolidated;
    }

    /// <summary>Each move with who made it, why, and how long the release had been in the state it left.</summary>
    private static string Transitions(IReadOnlyList<EventRecord> history)
    {
        var rows = new StringBuilder();
        DateTimeOffset? entered = null;
        foreach (EventRecord e in history)
        {
            if (e.Type == nameof(ReleaseOpened))
            {
                entered = e.At;
                rows.Append(CultureInfo.InvariantCulture, $"<tr><td>{At(e.At)}</td><td>opened: Submitted</td><td>{E(e.Actor)}</td><td></td><td></td></tr>\n");
                continue;
            }

            if (e.Type != nameof(ProgressChanged) || JsonSerializer.Deserialize<ProgressChanged>(e.Data, Json) is not { } moved)
            {
                continue;
            }

            string stayed = entered is { } since ? Span(moved.At - since) : "";
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr data-to="{moved.To}"><td>{At(moved.At)}</td><td>{moved.From} &rarr; {moved.To}{(moved.Override ? " (admin override)" : "")}</td><td>{E(moved.Actor)}</td><td>{E(moved.Reason ?? "")}</td><td>{stayed}</td></tr>
                """).Append('\n');
            entered = moved.At;
        }

        return rows.ToString();
    }

    private static string MoveForm(DashboardSession session, ReleaseState r, ReleaseMove m)
    {
        string label = m.Kind switch
        {
            MoveKind.AdminOverride => $"Move to {m.To} (admin override)",
            MoveKind.SlotRequest or MoveKind.EmergencyOnly => $"Ask for {m.To}",
            MoveKind.Retry => $"Retry: back to {m.To}",
            _ => $"Move to {m.To}",
        };
        string fields = $"<input type=\"hidden\" name=\"to\" value=\"{m.To}\">" + (m.Kind == MoveKind.AdminOverride ? "<input type=\"hidden\" name=\"override\" value=\"true\">" : "");
        return ActionForm(session, $"/releases/{r.Number.ToString(CultureInfo.InvariantCulture)}/move", label, fields);
    }

    private static int Position(ReleaseSlotState slot, long release)
    {
        for (int i = 0; i < slot.Waiting.Count; i++)
        {
            if (slot.Waiting[i].Release == release)
            {
                return i + 1;
            }
        }

        return 0;
    }

    /// <summary>The state's deadline, as the workflow sets its reminder (an emergency release's shortened one first).</summary>
    private static TimeSpan? Deadline(ReleaseWorkflowDefinition workflow, ReleaseState r) =>
        r.Emergency && workflow.EmergencyDeadlines.TryGetValue(r.Progress, out TimeSpan shortened) ? shortened
        : workflow.Deadlines.TryGetValue(r.Progress, out TimeSpan normal) ? normal
        : null;

    private static bool IsLate(ReleaseWorkflowDefinition workflow, ReleaseState r, DateTimeOffset now) =>
        Deadline(workflow, r) is { } deadline && now - r.ProgressSince > deadline;

    private static string Link(string url, string? text = null) =>
        Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? $"<a href=\"{E(url)}\">{E(text ?? url)}</a>"
            : E(url);
}
