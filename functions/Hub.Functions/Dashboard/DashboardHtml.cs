using System.Globalization;
using System.Net;
using System.Text;
using Hub.Domain.Configuration;
using Hub.Domain.Incidents;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The dashboard's HTML, server-rendered with no build step (docs/dashboard.md): one layout (navigation, who is signed
/// in, sign-out) around each page; every value is HTML-encoded; every action form carries the anti-forgery token; what
/// a page offers follows the caller's roles. Readable from 390 px wide up (one column, tables scroll sideways).
/// </summary>
public static class DashboardHtml
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
        header{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;padding:.6rem 1rem;background:#24292f;color:#fff}
        header a{color:#fff}header .who{margin-left:auto}
        main{padding:1rem;max-width:1200px}
        .scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff}
        th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top}
        button{font:inherit;padding:.3rem .7rem;cursor:pointer}
        .late{color:#b42318;font-weight:600}.muted{color:#57606a}
        form.inline{display:inline}
        label{display:block;margin:.5rem 0 .2rem}input[type=password]{font:inherit;padding:.3rem;width:min(100%,28rem)}
        .error{color:#b42318}
        """;

    // Counts each [data-deadline] down every second, so "time left to acknowledge" is live without a reload.
    private const string Countdown = """
        function tick(){const now=Date.now();document.querySelectorAll('[data-deadline]').forEach(e=>{
        const s=Math.round((Date.parse(e.dataset.deadline)-now)/1000);const a=Math.abs(s);
        const t=Math.floor(a/60)+' min '+String(a%60).padStart(2,'0')+' s';
        e.textContent=s>=0?t:'overdue by '+t;e.classList.toggle('late',s<0);});}
        tick();setInterval(tick,1000);
        """;

    public static string SignIn(string? error, string returnTo) => Page("Sign in", null, $"""
        <h1>Sign in</h1>
        {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
        <form method="post" action="/sign-in">
          <input type="hidden" name="return" value="{E(returnTo)}">
          <label for="key">API key</label>
          <input type="password" id="key" name="key" autocomplete="current-password" required autofocus>
          <p><button type="submit">Sign in</button></p>
        </form>
        """);

    /// <summary>Open urgent incidents: severity, service and run book, level, who is paged, time left to acknowledge, SCRUM, status.</summary>
    public static string Incidents(DashboardSession session, IReadOnlyList<IncidentState> incidents, string? notice)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(incidents);
        bool mayAct = session.Caller.Has(Role.Operator) || session.Caller.Has(Role.Developer);
        var rows = new StringBuilder();
        foreach (IncidentState i in incidents)
        {
            string service = i.Service is null ? "<span class=\"muted\">unknown</span>"
                : i.RunBookUrl is { } runBook ? $"{E(i.Service)} (<a href=\"{E(runBook)}\">run book</a>)" : E(i.Service);
            string paged = i.Status == IncidentStatus.Paging && i.Pages.Count > 0 ? E(i.Pages[^1].To) : "<span class=\"muted\">-</span>";
            string left = i.Status == IncidentStatus.Paging && i.Paging is { } paging
                ? $"<span data-deadline=\"{paging.Deadline.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\">{paging.Deadline.UtcDateTime:HH:mm} UTC</span>"
                : "<span class=\"muted\">-</span>";
            string scrum = i.Scrum is { } s ? $"held {s.HeldAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : "<span class=\"muted\">not yet</span>";
            string action = mayAct && i.Status == IncidentStatus.Paging
                ? $"""<form class="inline" method="post" action="/incidents/{i.Ticket}/acknowledge"><input type="hidden" name="{DashboardSessions.TokenField}" value="{E(session.Token)}"><button type="submit">Acknowledge #{i.Ticket}</button></form>"""
                : "";
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr data-ticket="{i.Ticket}"><td><a href="/api/tickets/{i.Ticket}">#{i.Ticket}</a></td><td>{E(i.Subject)}</td><td>{E(i.DrCategory ?? "")}</td><td>{service}</td>
                <td class="level">{E(IncidentDecider.Escalation(i))}</td><td>{paged}</td><td>{left}</td><td>{scrum}</td><td class="status">{E(i.Status)}</td><td>{action}</td></tr>
                """).Append('\n');
        }

        string table = incidents.Count == 0
            ? "<p>No open incidents.</p>"
            : $"""
              <div class="scroll"><table>
              <thead><tr><th scope="col">Ticket</th><th scope="col">Subject</th><th scope="col">DR category</th><th scope="col">Service</th><th scope="col">Escalation</th><th scope="col">Paged</th><th scope="col">Time left to acknowledge</th><th scope="col">SCRUM</th><th scope="col">Status</th><th scope="col"><span class="muted">Action</span></th></tr></thead>
              <tbody>
              {rows}</tbody></table></div>
              """;
        return Page("Incidents", session, $"""
            <h1>Open incidents</h1>
            {(notice is null ? "" : $"<p role=\"status\">{E(notice)}</p>")}
            {table}
            <script>{Countdown}</script>
            """);
    }

    private static string Page(string title, DashboardSession? session, string body) => $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{E(title)} - Integration Hub</title><style>{Style}</style></head>
        <body><header><strong>Integration Hub</strong>{(session is null ? "" : $"""
        <nav><a href="/">Incidents</a></nav>
        <span class="who">{E(session.Caller.Name)} ({E(string.Join(", ", session.Caller.Roles.Select(r => r.ToString())))})</span>
        <form class="inline" method="post" action="/sign-out"><input type="hidden" name="{DashboardSessions.TokenField}" value="{E(session.Token)}"><button type="submit">Sign out</button></form>
        """)}</header>
        <main>{body}</main></body></html>
        """;

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
