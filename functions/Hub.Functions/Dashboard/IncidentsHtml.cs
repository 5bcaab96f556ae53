using System.Globalization;
using System.Text;
using Hub.Domain.Configuration;
using Hub.Domain.Incidents;
using static Hub.Functions.Dashboard.DashboardHtml;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The open incidents page: severity, service and run book, escalation level, who is paged, the time left to
/// acknowledge (counted down in the page), SCRUM, the last status update and the status; for operators and developers
/// the acknowledge button and the SCRUM and status forms. The table is a live region: escalations show without a reload.
/// </summary>
public static class IncidentsHtml
{
    /// <summary>Who may act on an incident from the page: operators and developers (app-admin has every role).</summary>
    public static bool MayAct(DashboardSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Caller.Has(Role.Operator) || session.Caller.Has(Role.Developer);
    }

    public static string Page(DashboardSession session, IReadOnlyList<IncidentState> incidents, string? notice)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(incidents);
        bool mayAct = MayAct(session);
        var rows = new StringBuilder();
        foreach (IncidentState i in incidents)
        {
            string service = i.Service is null ? "<span class=\"muted\">unknown</span>"
                : i.RunBookUrl is { } runBook ? $"{E(i.Service)} (<a href=\"{E(runBook)}\">run book</a>)" : E(i.Service);
            string paged = i.Status == IncidentStatus.Paging && i.Pages.Count > 0 ? E(i.Pages[^1].To) : "<span class=\"muted\">-</span>";
            string left = i.Status == IncidentStatus.Paging && i.Paging is { } paging
                ? $"<span data-deadline=\"{paging.Deadline.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\">{paging.Deadline.UtcDateTime:HH:mm} UTC</span>"
                : "<span class=\"muted\">-</span>";
            string scrum = i.Scrum is { } s ? $"held {At(s.HeldAt)}: {E(s.Plan)}" : "<span class=\"muted\">not yet</span>";
            string update = i.Updates.Count > 0 ? $"{E(i.Updates[^1].Text)} <span class=\"muted\">({E(i.Updates[^1].By)}, {At(i.Updates[^1].At)})</span>" : "<span class=\"muted\">none</span>";
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr data-ticket="{i.Ticket}"><td><a href="/tickets/{i.Ticket}">#{i.Ticket}</a></td><td class="severity">{E(i.Kind)}</td><td>{E(i.Subject)}</td><td>{E(i.DrCategory ?? "")}</td><td>{service}</td>
                <td class="level">{E(IncidentDecider.Escalation(i))}</td><td class="paged">{paged}</td><td>{left}</td><td class="scrum">{scrum}</td><td class="update">{update}</td><td class="status">{E(i.Status)}</td><td>{(mayAct ? Actions(session, i) : "")}</td></tr>
                """).Append('\n');
        }

        string table = incidents.Count == 0
            ? "<p>No open incidents.</p>"
            : Table(["Ticket", "Severity", "Subject", "DR category", "Service", "Escalation", "Paged", "Time left to acknowledge", "SCRUM", "Last status update", "Status", "Actions"], rows.ToString());
        return DashboardHtml.Page("Incidents", session, $"""
            <h1>Open incidents</h1>
            {Notice(notice)}
            <section id="incidents" data-live aria-live="polite">{table}</section>
            """, "/");
    }

    private static string Actions(DashboardSession session, IncidentState i)
    {
        var html = new StringBuilder();
        if (i.Status == IncidentStatus.Paging)
        {
            html.Append(ActionForm(session, $"/incidents/{i.Ticket}/acknowledge", $"Acknowledge #{i.Ticket}"));
        }

        // The forms fold away so the row stays one line; the refresh leaves the region alone while one has focus.
        html.Append(CultureInfo.InvariantCulture, $"""
            <details><summary>SCRUM</summary>{ActionForm(session, $"/incidents/{i.Ticket}/scrum", $"Record SCRUM for #{i.Ticket}", $"""
            <label for="attendees-{i.Ticket}">Attendees (comma-separated)</label><input id="attendees-{i.Ticket}" name="attendees" required>
            <label for="plan-{i.Ticket}">Plan</label><textarea id="plan-{i.Ticket}" name="plan" rows="2" required></textarea>
            """, "block")}</details>
            <details><summary>Status update</summary>{ActionForm(session, $"/incidents/{i.Ticket}/status", $"Post status for #{i.Ticket}", $"""
            <label for="text-{i.Ticket}">Status update</label><textarea id="text-{i.Ticket}" name="text" rows="2" required></textarea>
            """, "block")}</details>
            """);
        return html.ToString();
    }
}
