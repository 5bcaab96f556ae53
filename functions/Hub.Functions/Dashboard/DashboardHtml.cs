using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The dashboard's layout, server-rendered with no build step (docs/dashboard.md): navigation, who is signed in and
/// sign-out around each page; the live refresh of its <c>[data-live]</c> regions; and the pieces every page uses (an
/// action form with the anti-forgery token, a notice, a table). Every value is HTML-encoded. Readable from 390 px
/// wide up: one column, tables scroll sideways inside their box.
/// </summary>
public static class DashboardHtml
{
    /// <summary>The pages in the navigation, in order: path and name.</summary>
    public static readonly IReadOnlyList<(string Path, string Name)> Pages =
    [
        ("/", "Incidents"), ("/releases", "Releases"), ("/tickets", "Tickets"), ("/changes", "Changes"),
        ("/sites", "Sites"), ("/metrics", "Metrics"), ("/outbox", "Outbox and failures"),
    ];

    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
        header{display:flex;flex-wrap:wrap;gap:.5rem .75rem;align-items:center;padding:.6rem 1rem;background:#24292f;color:#fff}
        header a{color:#fff}header nav{display:flex;flex-wrap:wrap;gap:.25rem .75rem}header nav a[aria-current]{font-weight:700;text-decoration:none}
        header .who{margin-left:auto}
        main{padding:1rem;max-width:1200px}
        a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #0969da;outline-offset:2px}
        .scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff}
        th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top}
        button{font:inherit;padding:.3rem .7rem;cursor:pointer}
        input,select,textarea{font:inherit;padding:.3rem}
        .late{color:#b42318;font-weight:600}.muted{color:#57606a}
        form.inline{display:inline}
        label{display:block;margin:.5rem 0 .2rem}input[type=password]{width:min(100%,28rem)}
        .error{color:#b42318}
        .text{white-space:pre-wrap;overflow-wrap:anywhere;margin:.25rem 0 0}
        """;

    // Longest text of one history entry shown before it is cut (the API has it whole).
    private const int MaxText = 2000;

    // Every few seconds the page is fetched again and each [data-live] element with an id is replaced by its fresh copy,
    // except while a form field or an opened fold inside it has focus, so a half-typed form survives; a focused link or
    // button keeps focus in the fresh copy. A lost session goes to sign-in. [data-deadline]
    // elements count down every second, so "time left" is live between refreshes.
    private const string Live = """
        (()=>{const every=5000;
        function tick(){const now=Date.now();document.querySelectorAll('[data-deadline]').forEach(e=>{
        const s=Math.round((Date.parse(e.dataset.deadline)-now)/1000);const a=Math.abs(s);
        const t=Math.floor(a/60)+' min '+String(a%60).padStart(2,'0')+' s';
        e.textContent=s>=0?t:'overdue by '+t;e.classList.toggle('late',s<0);});}
        async function refresh(){if(document.hidden||!document.querySelector('[data-live]'))return;
        try{const r=await fetch(location.href,{credentials:'same-origin',headers:{'X-Hub-Live':'1'}});
        if(r.redirected&&new URL(r.url).pathname==='/sign-in'){location.href=r.url;return;}if(!r.ok)return;
        const fresh=new DOMParser().parseFromString(await r.text(),'text/html');
        const a=document.activeElement;
        document.querySelectorAll('[data-live][id]').forEach(e=>{const n=fresh.getElementById(e.id);
        if(!n||n.innerHTML===e.innerHTML)return;const inside=e.contains(a)&&a!==e;
        if(inside&&(a.matches('input,textarea,select')||a.closest('details[open]')))return;
        const key=inside?(a.id?'#'+CSS.escape(a.id):a.getAttribute('href')?'a[href="'+CSS.escape(a.getAttribute('href'))+'"]':null):null;
        e.replaceWith(n);if(key)n.querySelector(key)?.focus();});tick();
        document.dispatchEvent(new CustomEvent('hub:refreshed'));}catch(e){}}
        tick();setInterval(tick,1000);setInterval(refresh,every);})();
        """;

    /// <summary>A whole page: the layout around <paramref name="body"/>; <paramref name="current"/> marks its navigation entry.</summary>
    public static string Page(string title, DashboardSession? session, string body, string? current = null) => $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{E(title)} - Integration Hub</title><style>{Style}</style></head>
        <body><header><strong>Integration Hub</strong>{(session is null ? "" : $"""
        <nav aria-label="Pages">{string.Concat(Pages.Select(p => $"<a href=\"{p.Path}\"{(p.Path == current ? " aria-current=\"page\"" : "")}>{E(p.Name)}</a>"))}</nav>
        <span class="who">{E(session.Caller.Name)} ({E(string.Join(", ", session.Caller.Roles.Select(r => r.ToString())))})</span>
        {ActionForm(session, "/sign-out", "Sign out")}
        """)}</header>
        <main>{body}</main><script>{Live}</script></body></html>
        """;

    /// <summary>A POST form with the session's anti-forgery token, <paramref name="fields"/> (already HTML) and a submit button.</summary>
    public static string ActionForm(DashboardSession session, string action, string button, string fields = "", string css = "inline")
    {
        ArgumentNullException.ThrowIfNull(session);
        return $"""<form class="{css}" method="post" action="{E(action)}"><input type="hidden" name="{DashboardSessions.TokenField}" value="{E(session.Token)}">{fields}<button type="submit">{E(button)}</button></form>""";
    }

    /// <summary>The notice a redirect back to the page carried (what an action did, or why not), or nothing.</summary>
    public static string Notice(string? notice) => notice is null ? "" : $"<p role=\"status\">{E(notice)}</p>";

    /// <summary>A table that scrolls sideways inside its box: <paramref name="headers"/> as column headers, <paramref name="rows"/> already HTML (<c>&lt;tr&gt;</c>s).</summary>
    public static string Table(IEnumerable<string> headers, string rows, string? id = null) => $"""
        <div class="scroll"><table{(id is null ? "" : $" id=\"{E(id)}\"")}>
        <thead><tr>{string.Concat(headers.Select(h => $"<th scope=\"col\">{E(h)}</th>"))}</tr></thead>
        <tbody>
        {rows}</tbody></table></div>
        """;

    /// <summary>An instant as the dashboard shows it, in UTC.</summary>
    public static string At(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>A duration as "3 d 4 h", "2 h 5 min", "4 min 10 s".</summary>
    public static string Span(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } => $"{(int)span.TotalDays} d {span.Hours} h",
        { TotalHours: >= 1 } => $"{(int)span.TotalHours} h {span.Minutes} min",
        _ => $"{(int)span.TotalMinutes} min {span.Seconds} s",
    };

    /// <summary>
    /// An event's values (its JSON data) as the history tables show them: "name: value", long or multi-line text as
    /// written (cut at 2,000 characters), files by their names; the type, actor and instant (columns of their own) and
    /// <paramref name="skip"/> (shown elsewhere on the page) left out.
    /// </summary>
    public static string EventValues(string data, params string[] skip)
    {
        using JsonDocument json = JsonDocument.Parse(data);
        if (json.RootElement.ValueKind != JsonValueKind.Object)
        {
            return "";
        }

        var values = new List<string>();
        var texts = new List<string>();
        foreach (JsonProperty p in json.RootElement.EnumerateObject())
        {
            if (p.Name is "type" or "actor" or "at" || skip.Contains(p.Name) || p.Value.ValueKind is JsonValueKind.Null)
            {
                continue;
            }

            if (p.Name == "attachments" && p.Value.ValueKind == JsonValueKind.Array)
            {
                string[] names = [.. p.Value.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.Object && a.TryGetProperty("fileName", out JsonElement name) ? name.GetString() ?? "" : "")];
                if (names.Length > 0)
                {
                    values.Add($"files: {E(string.Join(", ", names))}");
                }

                continue;
            }

            string value = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            if (value.Contains('\n', StringComparison.Ordinal) || value.Length > 120)
            {
                texts.Add($"<p class=\"text\">{E(value.Length > MaxText ? value[..MaxText] + "…" : value)}</p>");
            }
            else
            {
                values.Add($"{E(p.Name)}: {E(value)}");
            }
        }

        return string.Join("; ", values) + string.Concat(texts);
    }

    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
