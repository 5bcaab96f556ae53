using System.Net;
using System.Text;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Mail;
using Hub.Domain.Tickets;

namespace Hub.Functions.Notifications;

/// <summary>
/// Renders a <see cref="TicketNotification"/> per kind as plain text and HTML. The subject keeps its "[hub #N]" tag and
/// every mail carries <see cref="MailThreading.LoopHeader"/>, so a reply threads back to the ticket through the mail
/// intake while the hub's own mail coming back is recognised and never answered.
/// </summary>
public static class MailTemplates
{
    public const string OutboxIdHeader = "X-Hub-Outbox-Id";
    public const string LoopValue = "integration-hub";

    private static readonly Dictionary<string, string> Titles = new(StringComparer.Ordinal)
    {
        ["created"] = "New ticket",
        ["correspondence"] = "Reply on your ticket",
        ["comment"] = "Internal comment",
        ["status"] = "Status change",
        ["alert-resolved"] = "Alert resolved",
        ["incident-opened"] = "Urgent incident: preliminary notification",
        ["incident-page"] = "You are paged: acknowledge now",
        ["incident-acknowledged"] = "Incident acknowledged",
        ["incident-unacknowledged"] = "Incident not acknowledged",
        ["incident-task"] = "Task delegated to you",
        ["incident-status"] = "Incident status update",
        ["incident-chase"] = "Status update overdue",
        ["incident-resolved"] = "Incident resolved",
        ["incident-daily"] = "Daily incident status",
        ["incident-reminder"] = "Reminder: post a status update",
        ["post-mortem-reminder"] = "Post-mortem review reminder",
        ["post-mortem-closed"] = "Post-mortem review published",
        ["handoff-managers"] = "Bug report hand-off",
        ["handoff-announced"] = "Ticket transferred",
        ["handoff-failed"] = "Hand-off failed",
        ["daily-summary"] = "Daily summary",
    };

    public static string Title(string kind) => Titles.GetValueOrDefault(kind, "Notification");

    public static OutgoingMail Render(string id, TicketNotification notification, HubConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(config);
        EmailSettings email = config.Email;
        string title = Title(notification.Kind);
        string ticket = $"#{notification.Number}";
        string footer = notification.Number > 0
            ? $"Reply to this mail to add to ticket {ticket}; keep \"[hub {ticket}]\" in the subject."
            : "This mail was sent by the Integration Hub.";
        string body = notification.Body ?? "";

        var text = new StringBuilder()
            .Append(title).Append('\n').Append(new string('=', title.Length)).Append("\n\n")
            .Append(body).Append("\n\n-- \n").Append(footer).Append('\n')
            .Append("Integration Hub").Append(notification.Queue.Length > 0 ? $" - {notification.Queue}" : "").Append('\n');

        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">")
            .Append("<h2>").Append(WebUtility.HtmlEncode(title)).Append("</h2>");
        foreach (string paragraph in body.Split("\n\n"))
        {
            html.Append("<p>").Append(string.Join("<br>", paragraph.Split('\n').Select(WebUtility.HtmlEncode))).Append("</p>");
        }

        html.Append("<hr><p style=\"color:#666\">").Append(WebUtility.HtmlEncode(footer)).Append("<br>Integration Hub")
            .Append(notification.Queue.Length > 0 ? " - " + WebUtility.HtmlEncode(notification.Queue) : "").Append("</p></body></html>");

        // Header values (the subject included) are one line: a line break typed into a task, a team or a subject would
        // make every sender refuse the mail (or, worse, inject a header), so runs of white space and control characters
        // collapse into one space, as the ticket subject rules do.
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MailThreading.LoopHeader] = LoopValue,
            [OutboxIdHeader] = TicketDecider.CollapseWhitespace(id),
            ["X-Hub-Kind"] = TicketDecider.CollapseWhitespace(notification.Kind),
            // RFC 3834: no vacation responder should answer a notification.
            ["Auto-Submitted"] = "auto-generated",
        };
        if (notification.Number > 0)
        {
            headers["X-Hub-Ticket"] = notification.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (TicketDecider.CollapseWhitespace(notification.InReplyTo) is { Length: > 0 } parent)
        {
            headers["In-Reply-To"] = parent;
            headers["References"] = parent;
        }

        return new OutgoingMail(
            id, email.From, email.FromName, ReplyTo(notification.Queue, config), notification.To, notification.Bcc,
            TicketDecider.CollapseWhitespace(notification.Subject), text.ToString(), html.ToString(), headers, [.. email.Categories, notification.Kind], notification);
    }

    /// <summary>The mail intake address that routes to the notification's queue, so replies come back to the ticket.</summary>
    private static string ReplyTo(string queue, HubConfiguration config)
    {
        MailRoute? route = config.Mail.Routes.FirstOrDefault(r => string.Equals(r.Queue, queue, StringComparison.OrdinalIgnoreCase) && r.Address.Contains('@', StringComparison.Ordinal));
        return route?.Address ?? config.Email.ReplyTo;
    }
}
