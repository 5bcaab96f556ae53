using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Domain.Changes;
using Hub.Storage.Durable;
using static Hub.Functions.Dashboard.DashboardHtml;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The change calendar (a row per day, a column per tier: each service's window openings with the changes waiting for
/// or running in them), the changes under way, and the change page (fields, tier walk, time in each state, history).
/// Every part that changes is a live region. Times are UTC. Below 700 px the calendar reads as a list per day, a
/// labelled block per tier with something in it.
/// </summary>
public static class ChangesHtml
{
    /// <summary>The tiers in the order a change walks them; a tier no service has is left out, except the usual four.</summary>
    private static readonly string[] TierOrder = ["DEV", "TEST", "STAGE", "TRN", "PROD", "LIVE"];

    private static readonly string[] AlwaysShown = ["DEV", "TEST", "STAGE", "PROD"];


    private const string Css = """
        <style>
        #calendar-days td{min-width:9rem}#calendar-days th[scope=row]{white-space:nowrap}
        #calendar-days tr.today th[scope=row]{color:#0969da}
        @media (max-width:700px){#calendar-days thead{display:none}#calendar-days tr,#calendar-days th,#calendar-days td{display:block}
        #calendar-days td{min-width:0;border-bottom:0;padding-top:0}#calendar-days td:empty{display:none}#calendar-days tr{border-bottom:1px solid #d0d7de}
        #calendar-days td::before{content:attr(data-tier);display:block;font-weight:600;font-size:.85em;color:#57606a}}
        .window{border-left:4px solid #0969da;background:#ddf4ff;padding:.2rem .4rem;margin:.15rem 0}
        .window .when{font-variant-numeric:tabular-nums;font-weight:600}
        .change{display:block;margin:.15rem 0;padding:.15rem .3rem;background:#fff;border:1px solid #d0d7de;border-radius:4px}
        .change.running{border-color:#bf8700;background:#fff8c5}.change.emergency{border-color:#b42318}
        .flag{color:#b42318;font-weight:700}
        dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}dl.fields dt{font-weight:600}dl.fields dd{margin:0;overflow-wrap:anywhere}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
        .cards section{background:#fff;border:1px solid #d0d7de;padding:.5rem 1rem}
        ol.walk{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem}
        ol.walk li{flex:1 1 10rem;background:#fff;border:1px solid #d0d7de;border-top-width:6px;padding:.4rem .6rem}
        ol.walk li.done{border-top-color:#1a7f37}ol.walk li.current{border-top-color:#bf8700}ol.walk li.failed{border-top-color:#b42318}ol.walk li.pending{border-top-color:#d0d7de}
        ol.walk .tier{font-weight:700}
        </style>
        """;

    public static string Calendar(DashboardSession session, DateTimeOffset from, int days, IReadOnlyList<ServiceWindows> services, IReadOnlyList<ChangeState> open, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(open);
        string[] tiers = [.. TierOrder.Where(t => AlwaysShown.Contains(t) || services.Any(s => s.Tiers.Contains(t)) || open.Any(c => c.Tier == t)),
            .. services.SelectMany(s => s.Tiers).Concat(open.Select(c => c.Tier).OfType<string>()).Distinct(StringComparer.Ordinal).Where(t => !TierOrder.Contains(t)).Order(StringComparer.Ordinal)];
        var placed = new HashSet<long>();
        var rows = new StringBuilder();
        for (int d = 0; d < days; d++)
        {
            DateTimeOffset day = from.AddDays(d);
            DateTimeOffset next = day.AddDays(1);
            rows.Append(CultureInfo.InvariantCulture, $"""<tr data-day="{day:yyyy-MM-dd}"{(d == 0 ? " class=\"today\"" : "")}><th scope="row">{day:ddd d MMM}{(d == 0 ? " (today)" : "")}</th>""");
            foreach (string tier in tiers)
            {
                var cell = new StringBuilder();
                // The windows opening this day of each service that has the tier and waits for windows on it, each with
                // the changes of that service scheduled into it or running in it.
                foreach ((ServiceWindows s, WindowOccurrence o) in services
                    .Where(s => s.WindowedTiers.Contains(tier))
                    .SelectMany(s => s.Openings.Where(o => o.Start >= day && o.Start < next).Select(o => (s, o)))
                    .OrderBy(p => p.o.Start).ThenBy(p => p.s.Service, StringComparer.OrdinalIgnoreCase))
                {
                    ChangeState[] inside = [.. open.Where(c => c.Tier == tier && string.Equals(c.Service?.Name, s.Service, StringComparison.OrdinalIgnoreCase)
                        && Starts(c) is { } at && o.Contains(at))];
                    placed.UnionWith(inside.Select(c => c.Number));
                    cell.Append(CultureInfo.InvariantCulture, $"""<div class="window" data-service="{E(s.Service)}"><span class="when">{o.Start.UtcDateTime:HH:mm}&ndash;{o.End.UtcDateTime:HH:mm}</span> {E(s.Service)}: {E(o.Name)}{string.Concat(inside.Select(c => Item(c)))}</div>""");
                }

                // Scheduled or running changes outside every window shown (a development tier, a window since changed
                // in the catalog: a change keeps the windows it opened with), on the day they start (or today).
                foreach (ChangeState c in open.Where(c => c.Tier == tier && !placed.Contains(c.Number) && Starts(c) is { } at && at < next && (at >= day || d == 0)))
                {
                    placed.Add(c.Number);
                    cell.Append(Item(c));
                }

                rows.Append(CultureInfo.InvariantCulture, $"""<td data-tier="{E(tier)}">{cell}</td>""");
            }

            rows.Append("</tr>\n");
        }

        string[] headers = ["Day (UTC)", .. tiers.Select(t => ChangePages.Windowed(t) ? t : $"{t} (no window: at once)")];
        var list = new StringBuilder();
        foreach (ChangeState c in open)
        {
            list.Append(CultureInfo.InvariantCulture, $"""
                <tr data-change="{c.Number}"><td><a href="/changes/{c.Number}">#{c.Number}</a></td><td>{E(c.Service?.Name)}</td><td>{E(c.Version ?? "")}</td><td>{Kind(c)}</td><td class="state">{E(c.Name)}</td><td>{At(c.StateSince)}</td><td>{(c.WaitingUntil is { } w ? At(w) : "")}</td><td>{E(c.Summary)}</td></tr>
                """).Append('\n');
        }

        string under = open.Count == 0 ? "<p>No change is under way.</p>"
            : Table(["Change", "Service", "Version", "Kind", "State", "Since", "Starts", "Summary"], list.ToString(), "open-changes");
        return Page("Changes", session, $"""
            {Css}
            <h1>Changes</h1>
            <p class="muted">Release windows of the catalogued services per tier from {from:yyyy-MM-dd} for {days} days (UTC), with the changes
            waiting for a window and those installing or rolling back. DEV and TEST wait for no window. The <a href="/api/changes/calendar.ics">iCalendar feed</a> has the same windows.</p>
            <section id="calendar" data-live aria-live="polite" aria-label="Calendar">
            {Table(headers, rows.ToString(), "calendar-days")}
            </section>
            <h2>Under way</h2>
            <p class="muted">Changes waiting for approval, for a window or for the next promotion, installing, failed or rolling back.</p>
            <section id="under-way" data-live aria-live="polite">{under}</section>
            """, "/changes");
    }

    public static string Missing(DashboardSession session, long number) =>
        Page($"Change #{number}", session, $"<h1>Change #{number}</h1><p role=\"alert\">There is no change #{number}.</p><p><a href=\"/changes\">All changes</a></p>", "/changes");

    public static string Change(DashboardSession session, ChangeState c, IReadOnlyList<EventRecord> history, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(history);
        var fields = new List<(string, string)>
        {
            ("State", $"<span class=\"state\">{E(c.Name)}</span> <span class=\"muted\">since {At(c.StateSince)}</span>"),
            ("Service", E(c.Service?.Name)),
            ("Version", E(c.Version ?? "")),
            ("Kind", Kind(c)),
            ("Build", E(c.Build?.ToString() ?? "")),
            ("Requested by", E(c.Requester)),
            ("Gate", !c.GateRequired ? "<span class=\"muted\">not required</span>"
                : c.GateDecidedBy is { } by ? $"decided by {E(by)}: {E(c.GateReason)}" : "<span class=\"late\">waiting for isda-pipeline</span>"),
            ("Ticket", $"<a href=\"/tickets/{c.Number}\">#{c.Number}</a>"),
            ("Opened", At(c.CreatedAt)),
            ("Updated", At(c.UpdatedAt)),
        };
        Optional(fields, "Starts", c.WaitingUntil is { } w ? At(w) : null);
        Optional(fields, "Window closes", c.WindowCloses is { } wc ? At(wc) : null);
        Optional(fields, "Tag", c.Tag is null ? null : E(c.Tag));
        Optional(fields, "Branch", c.Branch is null ? null : E(c.Branch));
        Optional(fields, "Vetted", c.VettedAt is { } v ? (c.Vetted ? At(v) : $"withdrawn (vetted {At(v)})") : null);
        Optional(fields, "Restored build", c.RestoredBuild is null ? null : E(c.RestoredBuild.ToString()));
        Optional(fields, "Closed", c.ClosedAt is { } closed ? $"{At(closed)}{(c.CloseReason is null ? "" : ": " + E(c.CloseReason))}" : null);

        string times = Fields([.. c.TimeInStateAt(now).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, Span(p.Value)))], "time-in-state");
        var entries = new StringBuilder();
        foreach (EventRecord e in history)
        {
            string moved = e.FromState is { } from && e.ToState is { } to && from != to ? $"{E(from)} &rarr; {E(to)}" : e.FromState is null && e.ToState is { } first ? E(first) : "";
            entries.Append(CultureInfo.InvariantCulture, $"""
                <tr data-sequence="{e.Sequence}"><td>{At(e.At)}</td><td class="who">{E(e.Actor)}</td><td class="type">{E(e.Type)}</td><td class="moved">{moved}</td><td class="what">{EventValues(e.Data, "service", "number")}</td></tr>
                """).Append('\n');
        }

        return Page($"Change #{c.Number}", session, $"""
            {Css}
            <p><a href="/changes">Changes</a></p>
            <section id="change" data-live aria-live="polite">
            <h1>Change #{c.Number} {E(c.Service?.Name)} {E(c.Version ?? "")}{(c.Emergency ? " <span class=\"flag\">[EMERGENCY]</span>" : "")}</h1>
            <p>{E(c.Summary)}</p>
            <h2>Tier walk</h2>
            {Walk(c)}
            <div class="cards">
            <section><h2>Change</h2>{Fields(fields, "fields")}</section>
            <section><h2>Time in each state</h2>{times}</section>
            </div>
            <h2>History</h2>
            {Table(["When", "Who", "What", "State", "Details"], entries.ToString(), "history")}
            </section>
            <p class="muted">Read-only: approvals, promotions, installations and rollbacks go through the change API (docs/changes.md).</p>
            """, "/changes");
    }

    // Each of the service's tiers in order: done, the current one (waiting, installing, failed), or still to come, with
    // who approved it and when it ran.
    private static string Walk(ChangeState c)
    {
        var html = new StringBuilder("<ol class=\"walk\" id=\"walk\">");
        foreach (ChangeTier tier in c.Service?.Tiers ?? [])
        {
            TierProgress? p = c.Tiers.LastOrDefault(t => t.Tier == tier.Name);
            bool current = c.Tier == tier.Name && !c.IsClosed && c.Progress is not (ChangeProgress.Installed or ChangeProgress.Completed);
            string css = current ? (c.Progress == ChangeProgress.Failed ? "failed" : "current")
                : p?.Succeeded == true ? "done" : p?.Succeeded == false ? "failed" : "pending";
            string status = current ? c.Progress.ToString()
                : p?.Succeeded == true ? (c.Tier == tier.Name ? c.Progress.ToString() : "Installed")
                : p?.Succeeded == false ? "Failed" : "not yet";
            var lines = new List<string>();
            if (p is not null)
            {
                lines.Add($"approved by {E(p.ApprovedBy)}, {At(p.ApprovedAt)}");
                if (p.StartedAt is { } started)
                {
                    lines.Add($"started {At(started)}{(p.Manual ? " (by hand)" : "")}");
                }

                if (p.FinishedAt is { } finished)
                {
                    lines.Add($"finished {At(finished)}{(p.StartedAt is { } s ? $" after {Took(finished - s)}" : "")}");
                }

                if (p.Evidence is { } evidence)
                {
                    lines.Add($"evidence: {Link(evidence)}");
                }

                if (p.WindowClosedAt is { } closedAt)
                {
                    lines.Add($"<span class=\"late\">window closed {At(closedAt)} while installing</span>");
                }
            }

            if (current && c.Progress == ChangeProgress.WaitingForWindow && c.WaitingUntil is { } w)
            {
                lines.Add($"starts {At(w)}");
            }

            html.Append(CultureInfo.InvariantCulture, $"""
                <li class="{css}" data-tier="{E(tier.Name)}"{(current ? " aria-current=\"step\"" : "")}><span class="tier">{E(tier.Name)}</span> <span class="muted">{E(tier.Role.ToString())}{(tier.ProductionLike ? ", in a window" : "")}</span><br><span class="status">{E(status)}</span>{string.Concat(lines.Select(l => "<br><small>" + l + "</small>"))}</li>
                """);
        }

        return html.Append("</ol>").ToString();
    }

    // When a change starts on its tier: the opening it waits for, or when its installation (or rollback) started.
    // Only scheduled and running changes have one; the others are in the list under the calendar only.
    private static DateTimeOffset? Starts(ChangeState c) => c.Progress switch
    {
        ChangeProgress.WaitingForWindow => c.WaitingUntil,
        ChangeProgress.Installing or ChangeProgress.RollingBack => c.Tiers.LastOrDefault(t => t.Tier == c.Tier)?.StartedAt ?? c.StateSince,
        _ => null,
    };

    private static string Item(ChangeState c)
    {
        bool running = c.Progress is ChangeProgress.Installing or ChangeProgress.RollingBack;
        string css = "change" + (running ? " running" : "") + (c.Emergency ? " emergency" : "");
        string when = Starts(c) is { } at ? $"{at.UtcDateTime:HH:mm} " : "";
        return $"""<a class="{css}" data-change="{c.Number}" href="/changes/{c.Number}">{(c.Emergency ? "<span class=\"flag\">[EMERGENCY]</span> " : "")}#{c.Number} {E(c.Service?.Name)} {E(c.Version ?? "")}<br><small>{when}{E(c.Progress.ToString())}: {E(c.Summary)}</small></a>""";
    }

    private static string Took(TimeSpan span) =>
        span < TimeSpan.FromMinutes(1) ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(span.TotalSeconds, 0):0} s") : Span(span);

    private static string Kind(ChangeState c) => c.Emergency ? "<span class=\"flag\">Emergency</span>" : E(c.Kind.ToString());

    private static void Optional(List<(string, string)> fields, string name, string? html)
    {
        if (html is not null)
        {
            fields.Add((name, html));
        }
    }

    private static string Fields(IEnumerable<(string Name, string Html)> fields, string css) =>
        $"<dl class=\"fields {css}\">{string.Concat(fields.Select(f => $"<dt>{E(f.Name)}</dt><dd>{f.Html}</dd>"))}</dl>";

    // Evidence is often a run's or wiki's address: a link when it is http(s), else text.
    private static string Link(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out Uri? u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)
            ? $"<a href=\"{E(text)}\">{E(text)}</a>"
            : text.StartsWith("/api/", StringComparison.Ordinal) ? $"<a href=\"{E(text)}\">{E(text)}</a>" : E(text);
}
