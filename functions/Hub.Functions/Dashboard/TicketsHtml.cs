using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
using Hub.Functions.Tickets;
using Hub.Storage.Durable;
using static Hub.Functions.Dashboard.DashboardHtml;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The tickets list (a search form, one page of results, the next page's link) and the ticket page (its fields, time in
/// each status, watchers, custom fields, links, attachments and the whole history). Both are live regions.
/// </summary>
public static class TicketsHtml
{
    private const string Css = """
        <style>
        form.search{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:flex-end;margin-bottom:1rem}
        form.search label{margin:0 0 .2rem}
        dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}dl.fields dt{font-weight:600}dl.fields dd{margin:0;overflow-wrap:anywhere}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
        .cards section{background:#fff;border:1px solid #d0d7de;padding:.5rem 1rem}
        </style>
        """;

    public static string List(DashboardSession session, HubConfiguration config, TicketFilter filter, long? after, IReadOnlyList<TicketSummary> items, string? next)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(items);
        string[] statuses = [.. config.Lifecycles.SelectMany(l => l.Statuses).Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)];
        string search = $"""
            <form class="search" method="get" action="/tickets" role="search">
            <div><label for="queue">Queue</label>{Select("queue", "Any queue", config.Queues.Select(q => q.Name), filter.Queue)}</div>
            <div><label for="status">Status</label>{Select("status", "Any status", statuses, filter.Status)}</div>
            <div><label for="owner">Owner</label><input id="owner" name="owner" value="{E(filter.Owner)}"></div>
            <div><label for="q">Subject contains</label><input id="q" name="q" type="search" value="{E(filter.Q)}"></div>
            <button type="submit">Search</button>
            </form>
            """;

        var rows = new StringBuilder();
        foreach (TicketSummary t in items)
        {
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr data-ticket="{t.Number}"><td><a href="/tickets/{t.Number}">#{t.Number}</a></td><td class="queue">{E(t.Queue)}</td><td class="subject">{E(t.Subject)}</td><td class="status">{E(t.Status)}</td><td>{t.Priority}</td><td>{E(t.Owner ?? "")}</td><td>{At(t.UpdatedAt)}</td></tr>
                """).Append('\n');
        }

        string from = after is null ? "" : $" after #{after}";
        string results = items.Count == 0
            ? $"<p>No tickets match{from}.</p>"
            : $"""
                <p class="muted">{items.Count} ticket{(items.Count == 1 ? "" : "s")}{from}, in number order.</p>
                {Table(["Ticket", "Queue", "Subject", "Status", "Priority", "Owner", "Updated"], rows.ToString())}
                """;
        string more = next is null ? "" : $"""<p><a rel="next" href="{E(Query(filter, next))}">Next page</a></p>""";
        return Page("Tickets", session, $"""
            {Css}
            <h1>Tickets</h1>
            {search}
            <section id="tickets" data-live aria-live="polite">{results}{more}</section>
            """, "/tickets");
    }

    public static string Missing(DashboardSession session, long number) =>
        Page($"Ticket #{number}", session, $"<h1>Ticket #{number}</h1><p role=\"alert\">There is no ticket #{number}.</p><p><a href=\"/tickets\">All tickets</a></p>", "/tickets");

    public static string Ticket(DashboardSession session, TicketState t, IReadOnlyList<EventRecord> history, IReadOnlyList<AttachmentRef> attachments, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(attachments);
        var fields = new List<(string, string)>
        {
            ("Queue", E(t.Queue)),
            ("Status", $"<span class=\"status\">{E(t.Status)}</span> <span class=\"muted\">since {At(t.StatusSince)}</span>"),
            ("Priority", t.Priority.ToString(CultureInfo.InvariantCulture)),
            ("Owner", t.Owner is null ? "<span class=\"muted\">nobody</span>" : E(t.Owner)),
            ("Source", E(t.Source)),
            ("Created", At(t.CreatedAt)),
            ("Updated", At(t.UpdatedAt)),
        };
        if (t.ResolvedAt is { } resolved)
        {
            fields.Add(("Resolved", At(resolved)));
        }

        fields.AddRange(t.CustomFields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (f.Key, E(f.Value))));

        string watchers = Fields([("Requestors", Names(t.Requestors)), ("Cc", Names(t.Cc)), ("AdminCc", Names(t.AdminCc))], "watchers");
        string links = t.Links.Count == 0 && t.ExternalRefs.Count == 0
            ? "<p class=\"muted\">None.</p>"
            : "<ul>"
              + string.Concat(t.Links.Select(l => $"<li>{E(l.Kind.ToString())} <a href=\"/tickets/{l.Number}\">#{l.Number}</a></li>"))
              + string.Concat(t.ExternalRefs.Select(r => $"<li>{E(r.System)} {(r.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out Uri? u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp) ? $"<a href=\"{E(url)}\">{E(r.Id)}</a>" : E(r.Id))}</li>"))
              + "</ul>";
        string files = attachments.Count == 0
            ? "<p class=\"muted\">None.</p>"
            : "<ul id=\"attachments\">" + string.Concat(attachments.Select(a =>
                $"<li><a href=\"/tickets/{t.Number}/attachments/{E(string.Join('/', a.BlobName.Split('/').Select(Uri.EscapeDataString)))}\">{E(AttachmentRef.SafeFileName(a.FileName))}</a> <span class=\"muted\">{E(a.ContentType)}, {Size(a.Size)}</span></li>")) + "</ul>";
        string times = Fields([.. t.TimeInStatusAt(now).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, Span(p.Value)))], "time-in-status");

        var entries = new StringBuilder();
        foreach (EventRecord e in history)
        {
            string change = e.FromState is { } from && e.ToState is { } to && from != to ? $"{E(from)} &rarr; {E(to)}" : "";
            entries.Append(CultureInfo.InvariantCulture, $"""
                <tr data-sequence="{e.Sequence}"><td>{e.Sequence}</td><td>{At(e.At)}</td><td>{E(e.Actor)}</td><td class="type">{E(e.Type)}</td><td>{change}</td><td class="what">{EventValues(e.Data, "messageIds")}</td></tr>
                """).Append('\n');
        }

        return Page($"Ticket #{t.Number}", session, $"""
            {Css}
            <p><a href="/tickets?queue={Uri.EscapeDataString(t.Queue)}">{E(t.Queue)} tickets</a></p>
            <section id="ticket" data-live aria-live="polite">
            <h1>#{t.Number} {E(t.Subject)}</h1>
            <div class="cards">
            <section><h2>Ticket</h2>{Fields(fields, "fields")}</section>
            <section><h2>Watchers</h2>{watchers}</section>
            <section><h2>Links</h2>{links}</section>
            <section><h2>Attachments</h2>{files}</section>
            <section><h2>Time in each status</h2>{times}</section>
            </div>
            <h2>History</h2>
            {Table(["#", "When", "Who", "What", "Status", "Details"], entries.ToString(), "history")}
            </section>
            """, "/tickets");
    }

    // The list's query for the next page: the filter as it was, and where the page ends.
    private static string Query(TicketFilter filter, string continuation)
    {
        var parts = new List<string>();
        foreach ((string name, string? value) in new[] { ("queue", filter.Queue), ("status", filter.Status), ("owner", filter.Owner), ("q", filter.Q) })
        {
            if (value is not null)
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        parts.Add($"continuation={Uri.EscapeDataString(continuation)}");
        return "/tickets?" + string.Join('&', parts);
    }

    private static string Select(string name, string any, IEnumerable<string> options, string? selected)
    {
        var html = new StringBuilder($"<select id=\"{name}\" name=\"{name}\"><option value=\"\">{E(any)}</option>");
        var names = options.ToList();
        if (selected is not null && !names.Contains(selected, StringComparer.OrdinalIgnoreCase))
        {
            names.Add(selected);
        }

        foreach (string option in names)
        {
            html.Append(CultureInfo.InvariantCulture, $"<option{(string.Equals(option, selected, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>{E(option)}</option>");
        }

        return html.Append("</select>").ToString();
    }

    private static string Fields(IEnumerable<(string Name, string Html)> fields, string css) =>
        $"<dl class=\"fields {css}\">{string.Concat(fields.Select(f => $"<dt>{E(f.Name)}</dt><dd>{f.Html}</dd>"))}</dl>";

    private static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "<span class=\"muted\">nobody</span>" : E(string.Join(", ", names));

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB"),
    };
}
