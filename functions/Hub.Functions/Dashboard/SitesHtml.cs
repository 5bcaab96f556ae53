using System.Globalization;
using System.Text;
using Hub.Domain.Catalog;
using Hub.Domain.Sites;
using static Hub.Functions.Dashboard.DashboardHtml;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The sites list (each site's services in startup-rank order and its last runs) and the site page (its services, its
/// runs, and a run's steps as a timeline, a bar per step scaled to the run's length, with the step table). The runs
/// and the timeline are live regions, so a run in progress fills in without a reload. Times are UTC.
/// </summary>
public static class SitesHtml
{
    private const string Css = """
        <style>
        .sites{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem}
        .sites>section{background:#fff;border:1px solid #d0d7de;padding:.5rem 1rem;min-width:0}
        ol.members{padding-left:1.5rem;margin:.25rem 0}
        .outcome-succeeded{color:#1a7f37;font-weight:600}.outcome-failed,.outcome-cancelled{color:#b42318;font-weight:600}.outcome-running{color:#9a6700;font-weight:600}
        ol.timeline{list-style:none;padding:0;margin:.5rem 0}
        ol.timeline li{display:grid;grid-template-columns:minmax(0,15rem) minmax(0,1fr);gap:.5rem;align-items:center;padding:.2rem 0;border-bottom:1px solid #eaeef2}
        ol.timeline .track{position:relative;display:block;height:1.1rem;background:#f6f8fa;border:1px solid #d0d7de}
        ol.timeline .bar{position:absolute;top:0;bottom:0;min-width:2px;background:#8c959f}
        ol.timeline li.succeeded .bar{background:#2da44e}ol.timeline li.failed .bar{background:#cf222e}ol.timeline li.running .bar{background:#d4a72c}
        ol.timeline .label{overflow-wrap:anywhere}
        .output{white-space:pre-wrap;overflow-wrap:anywhere;margin:.25rem 0 0;font-size:.85em}
        </style>
        """;

    public static string Missing(DashboardSession session, string why) =>
        Page("Site", session, $"<h1>Site</h1><p role=\"alert\">{E(why)}</p><p><a href=\"/sites\">All sites</a></p>", "/sites");

    public static string List(DashboardSession session, IReadOnlyList<SiteCard> sites, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sites);
        var cards = new StringBuilder();
        foreach (SiteCard s in sites)
        {
            string name = s.Entry.Site.Name;
            string runs = s.Runs.Count == 0 ? "<p class=\"muted\">No runs yet.</p>" : Table(["Run", "Command", "Outcome", "Started", "Took", "By"], RunRows(name, s.Runs, null, now));
            cards.Append(CultureInfo.InvariantCulture, $"""
                <section data-site="{E(name)}"><h2><a href="{SiteHref(name)}">{E(name)}</a></h2>
                {(s.Entry.Site.Description is { } d ? $"<p>{E(d)}</p>" : "")}
                <p class="muted">Version {s.Entry.Version} ({E(s.Entry.Source)}{(s.Entry.ChangedBy is { } by ? $", {E(by)}" : "")}).</p>
                <h3>Services, in start order</h3>{Members(s.Services)}
                <h3>Last runs</h3>{runs}
                </section>
                """).Append('\n');
        }

        return Page("Sites", session, $"""
            {Css}
            <h1>Sites</h1>
            <p class="muted">Each site runs its services in ascending startup rank (Stop in reverse). Runs are started through the site API (docs/sites.md).</p>
            <div id="sites" class="sites" data-live aria-live="polite">{(sites.Count == 0 ? "<p>No sites are defined.</p>" : cards.ToString())}</div>
            """, "/sites");
    }

    public static string Site(DashboardSession session, SiteCard site, SiteRun? run, IReadOnlyDictionary<string, ServiceRecord> records, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(records);
        string name = site.Entry.Site.Name;
        var members = new StringBuilder();
        foreach (SiteService m in site.Services)
        {
            string nodes = m.Record is null ? "<span class=\"late\">not in the catalog</span>"
                : E(string.Join("; ", m.Record.Tiers.Select(t => $"{t.Name}: {string.Join(", ", t.Nodes.Select(n => $"{n.Name} ({n.ServerTier})"))}")));
            members.Append(CultureInfo.InvariantCulture, $"""
                <tr data-service="{E(m.Service)}"><td>{(m.Rank is { } rank ? rank.ToString(CultureInfo.InvariantCulture) : "<span class=\"late\">none</span>")}</td><td>{E(m.Service)}</td><td>{E(string.Join(", ", m.After))}</td><td>{nodes}</td></tr>
                """).Append('\n');
        }

        string runs = site.Runs.Count == 0 ? "<p class=\"muted\">No runs yet.</p>" : Table(["Run", "Command", "Outcome", "Started", "Took", "By"], RunRows(name, site.Runs, run?.RunId, now), "run-list");
        return Page($"Site {name}", session, $"""
            {Css}
            <p><a href="/sites">Sites</a></p>
            <h1>Site {E(name)}</h1>
            {(site.Entry.Site.Description is { } d ? $"<p>{E(d)}</p>" : "")}
            <p class="muted">Version {site.Entry.Version} ({E(site.Entry.Source)}{(site.Entry.ChangedBy is { } by ? $", {E(by)} {(site.Entry.ChangedAt is { } at ? At(at) : "")}" : "")}).
            Read-only: Start, Stop, Status and Update go through <code>POST /api/sites/{E(name)}/commands</code> (operators).</p>
            <h2>Services, in start order</h2>
            {Table(["Rank", "Service", "After", "Nodes"], members.ToString(), "members")}
            <h2>Runs</h2>
            <section id="runs" data-live aria-live="polite">{runs}</section>
            <section id="run" data-live aria-live="polite">{(run is null ? "" : Run(run, records, now))}</section>
            """, "/sites");
    }

    // A run's steps: a bar per step placed by its start and end within the run (the run's start to its end, or now
    // while it runs), then the step table.
    private static string Run(SiteRun run, IReadOnlyDictionary<string, ServiceRecord> records, DateTimeOffset now)
    {
        DateTimeOffset start = run.StartedAt;
        DateTimeOffset end = run.EndedAt ?? Max(now, run.Steps.Select(s => s.EndedAt ?? s.StartedAt).OfType<DateTimeOffset>().DefaultIfEmpty(start).Max());
        double total = Math.Max((end - start).TotalMilliseconds, 1);
        var bars = new StringBuilder();
        var rows = new StringBuilder();
        foreach (RunStep step in run.Steps)
        {
            PlannedStep p = step.Plan;
            string status = step.Status.ToString().ToLowerInvariant();
            string rank = records.TryGetValue(p.Service, out ServiceRecord? r) && r.StartupRank is { } sr ? sr.ToString(CultureInfo.InvariantCulture) : "";
            string took = step.StartedAt is { } s ? Took((step.EndedAt ?? now) - s) : "";
            string bar = "";
            if (step.StartedAt is { } from)
            {
                double left = Math.Clamp((from - start).TotalMilliseconds / total * 100, 0, 100);
                double width = Math.Clamp(((step.EndedAt ?? now) - from).TotalMilliseconds / total * 100, 0, 100 - left);
                bar = string.Create(CultureInfo.InvariantCulture, $"""<span class="bar" style="left:{left:0.##}%;width:{width:0.##}%"></span>""");
            }

            string label = $"{p.Index + 1}. {p.Command.ToString().ToLowerInvariant()} {p.Service} @ {p.Node}";
            bars.Append(CultureInfo.InvariantCulture, $"""
                <li class="{status}" data-step="{p.Index}" data-service="{E(p.Service)}" data-rank="{rank}"><span class="label">{E(label)} <span class="muted">{(rank.Length > 0 ? $"rank {rank}, " : "")}{E(status)}{(took.Length > 0 ? $", {took}" : "")}</span></span><span class="track" title="{E($"{label}: {status}{(took.Length > 0 ? ", " + took : "")}")}">{bar}</span></li>
                """).Append('\n');
            string output = step.Output is { Length: > 0 } o
                ? $"<details><summary>output{(step.OutputTruncated ? " (its end)" : "")}</summary><pre class=\"output\">{E(o)}</pre></details>"
                : step.SkipReason is { } why ? E(why) : "";
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr data-step="{p.Index}"><td>{p.Index + 1}</td><td>{E(p.Service)}</td><td>{rank}</td><td>{E(p.Node)}</td><td>{E(p.Tier)}</td><td>{E(p.Command.ToString())}</td><td class="status">{E(step.Status.ToString())}</td><td>{Clock(step.StartedAt)}</td><td>{Clock(step.EndedAt)}</td><td>{took}</td><td>{(step.ExitCode is { } x ? x.ToString(CultureInfo.InvariantCulture) : "")}</td><td>{output}</td></tr>
                """).Append('\n');
        }

        string how = string.Join(", ", new[] { run.Strategy is { } st ? st == UpdateStrategy.Rolling ? "rolling" : "stop-all" : null, run.Tier is { } t ? $"tier {t}" : null, run.KeepGoing ? "keepgoing" : null }.OfType<string>());
        return $"""
            <h2>Run {E(run.RunId)}</h2>
            <p><strong>{E(run.Command.ToString())}</strong>{(how.Length > 0 ? $" ({E(how)})" : "")}: <span class="outcome-{run.Outcome.ToString().ToLowerInvariant()}">{E(run.Outcome.ToString())}</span>,
            asked by {E(run.RequestedBy)}, started {Clock(run.StartedAt)}{(run.EndedAt is { } ended ? $", ended {Clock(ended)} after {Took(ended - run.StartedAt)}" : "")}{(run.CancelRequestedBy is { } c ? $"; cancel asked by {E(c)}" : "")}{(run.Change is { } ch ? $"; installs <a href=\"/changes/{ch.Number}\">change #{ch.Number}</a> on {E(ch.Tier)}" : "")}.</p>
            <h3>Timeline</h3>
            <ol class="timeline" id="timeline" aria-label="Steps of run {E(run.RunId)} from {Clock(start)} to {Clock(end)}">
            {bars}</ol>
            <h3>Steps</h3>
            {Table(["#", "Service", "Rank", "Node", "Tier", "Action", "Status", "Started", "Ended", "Took", "Exit", "Output"], rows.ToString(), "steps")}
            """;
    }

    private static string Members(IReadOnlyList<SiteService> services) =>
        "<ol class=\"members\">" + string.Concat(services.Select(m =>
            $"<li data-service=\"{E(m.Service)}\">{E(m.Service)} <span class=\"muted\">{(m.Rank is { } r ? $"rank {r.ToString(CultureInfo.InvariantCulture)}" : "no rank")}</span></li>")) + "</ol>";

    private static string RunRows(string site, IReadOnlyList<SiteRun> runs, string? current, DateTimeOffset now)
    {
        var rows = new StringBuilder();
        foreach (SiteRun r in runs)
        {
            string outcome = r.Outcome.ToString();
            int failed = r.Steps.Count(s => s.Status == StepStatus.Failed);
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr data-run="{E(r.RunId)}"><td><a href="{SiteHref(site)}?run={Uri.EscapeDataString(r.RunId)}"{(r.RunId == current ? " aria-current=\"page\"" : "")}>{E(r.RunId)}</a></td><td>{E(r.Command.ToString())}</td><td class="outcome outcome-{outcome.ToLowerInvariant()}">{E(outcome)}{(failed > 0 ? $" ({failed} of {r.Steps.Count} failed)" : "")}</td><td>{At(r.StartedAt)}</td><td>{Took((r.EndedAt ?? now) - r.StartedAt)}</td><td>{E(r.RequestedBy)}</td></tr>
                """).Append('\n');
        }

        return rows.ToString();
    }

    private static string SiteHref(string site) => "/sites/" + Uri.EscapeDataString(site);

    private static string Clock(DateTimeOffset? at) => at is { } a ? a.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "";

    private static string Took(TimeSpan span) =>
        span < TimeSpan.FromMinutes(1) ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(span.TotalSeconds, 0):0.0} s") : Span(span);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
