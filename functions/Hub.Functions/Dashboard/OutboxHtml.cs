using System.Globalization;
using System.Text;
using Hub.Domain.Configuration;
using Hub.Functions.Durable;
using Hub.Functions.Notifications;
using Hub.Storage.Durable;
using static Hub.Functions.Dashboard.DashboardHtml;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The outbox and failures page: sent mail (queued or refused by the provider), effects given up, poison messages and
/// failed orchestrations, each a live region; for app-admins a Replay button per poison message and a Restart button
/// per failed orchestration.
/// </summary>
public static class OutboxHtml
{
    // Message bodies and stack-like errors wrap inside their cell rather than widen the table without end.
    private const string Style = """
        <style>
        .outbox pre{white-space:pre-wrap;word-break:break-word;margin:.3rem 0;max-width:40rem}
        .outbox .error-text{min-width:14rem;max-width:32rem;overflow-wrap:anywhere}
        .outbox td.subject,.outbox td.to{min-width:12rem;overflow-wrap:anywhere}
        .outbox h2{margin-top:1.5rem}
        </style>
        """;

    /// <summary>Who may replay and restart from the page: app-admin, as only the admin key may through the API.</summary>
    public static bool MayAct(DashboardSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Caller.Has(Role.AppAdmin);
    }

    public static string Page(
        DashboardSession session,
        IReadOnlyList<OutboxEntry> mail,
        IReadOnlyList<FailedEffect> effects,
        IReadOnlyList<PoisonMessage> poison,
        IReadOnlyList<OrchestrationView> orchestrations,
        string? notice)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(effects);
        ArgumentNullException.ThrowIfNull(poison);
        ArgumentNullException.ThrowIfNull(orchestrations);
        bool mayAct = MayAct(session);
        return DashboardHtml.Page("Outbox and failures", session, $"""
            {Style}
            <div class="outbox">
            <h1>Outbox and failures</h1>
            {Notice(notice)}
            <section aria-labelledby="mail-title"><h2 id="mail-title">Sent mail</h2>
            <div id="mail" data-live aria-live="polite">{Mail(mail)}</div></section>
            <section aria-labelledby="effects-title"><h2 id="effects-title">Failed effects</h2>
            <div id="effects" data-live aria-live="polite">{Effects(effects)}</div></section>
            <section aria-labelledby="poison-title"><h2 id="poison-title">Poison messages</h2>
            <div id="poison" data-live aria-live="polite">{Poison(session, poison, mayAct)}</div></section>
            <section aria-labelledby="orchestrations-title"><h2 id="orchestrations-title">Failed orchestrations</h2>
            <div id="orchestrations" data-live aria-live="polite">{Orchestrations(session, orchestrations, mayAct)}</div></section>
            </div>
            """, "/outbox");
    }

    private static string Mail(IReadOnlyList<OutboxEntry> mail)
    {
        if (mail.Count == 0)
        {
            return "<p>No mail.</p>";
        }

        var rows = new StringBuilder();
        foreach (OutboxEntry m in mail)
        {
            string status = m.State == "failed"
                ? $"<span class=\"late\">refused</span> <span class=\"error-text\">{E(m.Error)}</span>"
                : E(m.State);
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr data-mail="{E(m.Id)}"><td>{At(m.At)}</td><td class="to">{E(string.Join(", ", m.To))}{(m.Bcc.Count == 0 ? "" : $" <span class=\"muted\">bcc: {E(string.Join(", ", m.Bcc))}</span>")}</td><td class="subject"><details><summary>{E(m.Subject)}</summary><pre>{E(m.Text)}</pre></details></td><td>{E(m.Kind)}</td><td class="status">{status}</td></tr>
                """).Append('\n');
        }

        return $"<p class=\"muted\">The newest {mail.Count} mails, newest first.</p>" + Table(["When", "To", "Subject", "Kind", "Status"], rows.ToString());
    }

    private static string Effects(IReadOnlyList<FailedEffect> effects)
    {
        if (effects.Count == 0)
        {
            return "<p>No failed effects.</p>";
        }

        var rows = new StringBuilder();
        foreach (FailedEffect f in effects)
        {
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr data-effect="{E(f.Key)}"><td>{At(f.FailedAt)}</td><td>{E(f.Partition)}</td><td>{E(f.Kind)}</td><td><code>{E(f.Id)}</code></td><td>{At(f.CreatedAt)}</td><td class="error-text">{E(f.Error)}</td></tr>
                """).Append('\n');
        }

        return Table(["Given up", "Aggregate", "Kind", "Outbox id", "Created", "Error"], rows.ToString());
    }

    private static string Poison(DashboardSession session, IReadOnlyList<PoisonMessage> poison, bool mayAct)
    {
        if (poison.Count == 0)
        {
            return "<p>No poison messages.</p>";
        }

        var rows = new StringBuilder();
        foreach (PoisonMessage p in poison.OrderByDescending(p => p.PoisonedAt).ThenBy(p => p.Id, StringComparer.Ordinal))
        {
            string action = mayAct ? $"<td>{ActionForm(session, $"/outbox/poison/{Uri.EscapeDataString(p.Id)}/replay", $"Replay {p.Id}")}</td>" : "";
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr data-poison="{E(p.Id)}"><td><code>{E(p.Id)}</code></td><td>{At(p.PoisonedAt)}</td><td>{p.DequeueCount}</td><td class="error-text">{E(p.LastError)}</td><td><details><summary>Message</summary><pre>{E(p.Text)}</pre></details></td>{action}</tr>
                """).Append('\n');
        }

        return Table(mayAct ? ["Id", "Poisoned", "Tries", "Last error", "Message", "Action"] : ["Id", "Poisoned", "Tries", "Last error", "Message"], rows.ToString());
    }

    private static string Orchestrations(DashboardSession session, IReadOnlyList<OrchestrationView> orchestrations, bool mayAct)
    {
        if (orchestrations.Count == 0)
        {
            return "<p>No failed orchestrations.</p>";
        }

        var rows = new StringBuilder();
        foreach (OrchestrationView o in orchestrations)
        {
            string action = mayAct ? $"<td>{ActionForm(session, $"/outbox/orchestrations/{Uri.EscapeDataString(o.InstanceId)}/restart", $"Restart {o.InstanceId}")}</td>" : "";
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr data-instance="{E(o.InstanceId)}"><td><code>{E(o.InstanceId)}</code></td><td>{E(o.Name)}</td><td>{At(o.LastUpdatedAt)}</td><td>{At(o.CreatedAt)}</td><td class="error-text">{E(Error(o.Failure))}</td>{action}</tr>
                """).Append('\n');
        }

        return Table(mayAct ? ["Instance", "Name", "Failed", "Created", "Error", "Action"] : ["Instance", "Name", "Failed", "Created", "Error"], rows.ToString());
    }

    /// <summary>The failure and its causes, outermost first.</summary>
    private static string Error(OrchestrationFailure? failure)
    {
        var parts = new List<string>();
        for (OrchestrationFailure? f = failure; f is not null; f = f.Inner)
        {
            parts.Add(f.ErrorType is null ? f.ErrorMessage : $"{f.ErrorType}: {f.ErrorMessage}");
        }

        return parts.Count == 0 ? "(no failure details)" : string.Join(" <- ", parts);
    }
}
