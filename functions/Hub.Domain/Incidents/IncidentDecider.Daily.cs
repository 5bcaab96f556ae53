using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Incidents;

// The daily status mail of one incident, and the mail helper every notification goes through.
public sealed partial class IncidentDecider
{
    /// <summary>Incident notifications travel as <c>ticket.notify</c> mails of the incident's ticket, kind "incident-*".</summary>
    public const string Visibility = "internal";

    private static Result<Decision<IncidentEvent>> DailyStatus(IncidentState state, SendDailyStatus c, DateTimeOffset now)
    {
        if (!state.IsOpen || state.Kind != IncidentKinds.Urgent)
        {
            return Reject($"Incident #{state.Ticket} is {state.Status}; daily status goes out for open urgent incidents.");
        }

        if (state.LastDailyStatus == c.Day)
        {
            return Reject($"The daily status of incident #{state.Ticket} for {c.Day} was already sent.");
        }

        bool silent = TechLeadSilent(state, now);
        var effects = new List<SideEffect?>
        {
            Mail(state, "incident-daily", state.Recipients, [], $"Daily status {c.Day}: {state.Subject}", DailyBody(state, now)),
        };
        if (silent)
        {
            effects.Add(Mail(state, "incident-reminder", [state.TechLead!.Address, .. LeadOf(state)], [],
                $"Reminder: no status update in 24 hours: {state.Subject}",
                $"""
                The Tech Lead ({state.TechLead.Name}) has posted no status update on incident #{state.Ticket} in the last 24 hours (last: {(state.LastTechLeadUpdateAt is { } at ? Format(at) : "never")}).
                Please post one today: POST /api/incidents/{state.Ticket}/status.
                """));
        }

        return Ok([new DailyStatusSent(c.Actor.Name, now, c.Day, silent)], effects);
    }

    /// <summary>
    /// The Tech Lead posted nothing in the last 24 hours: their last update, or the opening if they never posted, is
    /// more than a day old (an incident opened an hour ago has not had a day of silence yet).
    /// </summary>
    public static bool TechLeadSilent(IncidentState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return (state.LastTechLeadUpdateAt ?? state.OpenedAt) < now - TimeSpan.FromHours(24);
    }

    /// <summary>The daily status text: state, latest update and what changed in the 24 hours before <paramref name="now"/>.</summary>
    public static string DailyBody(IncidentState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Daily status of incident #{state.Ticket} ({state.Queue}): {state.Subject}\n");
        text.Append(CultureInfo.InvariantCulture, $"Status: {state.Status}, open for {Age(now - state.OpenedAt)}\n");
        text.Append(CultureInfo.InvariantCulture, $"Tech Lead: {state.TechLead?.Name} <{state.TechLead?.Address}>{CatalogLines(state)}\n");
        text.Append(Escalation(state)).Append('\n');
        if (state.LatestUpdate is { } update)
        {
            text.Append(CultureInfo.InvariantCulture, $"Latest status update ({Format(update.At)}, {update.By}):\n");
            foreach (string line in update.Text.Split('\n'))
            {
                text.Append("  ").Append(line.TrimEnd('\r')).Append('\n');
            }
        }
        else
        {
            text.Append("Latest status update: none yet\n");
        }

        text.Append("Changes in the last 24 hours:\n");
        IncidentChange[] recent = [.. state.Changes.Where(ch => ch.At > now - TimeSpan.FromHours(24))];
        if (recent.Length == 0)
        {
            text.Append("- none\n");
        }

        foreach (IncidentChange change in recent)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {Format(change.At)} {change.Text}\n");
        }

        return text.ToString().TrimEnd('\n');
    }

    /// <summary>
    /// The run book and DR category of the incident's service, as its catalog record had them when the incident
    /// opened, each on a line of its own after a line break (the alert ticket's wording); empty when it had none.
    /// </summary>
    public static string CatalogLines(IncidentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var text = new StringBuilder();
        if (state.RunBookUrl is { Length: > 0 } runBook)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nRun book ({state.Service}): {runBook}");
        }

        if (state.DrCategory is { Length: > 0 } dr)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nDR category ({state.Service}): {dr}");
        }

        return text.ToString();
    }

    /// <summary>"acknowledged by X", or the level being paged: what the daily summary calls the incident's level.</summary>
    public static string Escalation(IncidentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Acknowledged is { } ack)
        {
            return $"Acknowledged by {ack.By} at {Format(ack.At)}";
        }

        if (state.EscalationExhausted)
        {
            return $"Unacknowledged after {state.Pages.Count} pages; paging stopped";
        }

        return state.Pages.Count == 0 ? "Not paged" : $"Paging {state.Pages[^1].LevelName} (round {state.Pages[^1].Round}) until {Format(state.Pages[^1].Deadline)}";
    }

    /// <summary>"2 d 3 h", "5 h 10 min", "12 min".</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalDays >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays} d {age.Hours} h")
            : age.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{age.Hours} h {age.Minutes} min")
            : string.Create(CultureInfo.InvariantCulture, $"{age.Minutes} min");
    }

    /// <summary>An internal mail about the incident's ticket, tagged "[hub #N]"; null when nobody is left to tell.</summary>
    private static SideEffect? Mail(IncidentState state, string kind, IEnumerable<string> to, IEnumerable<string> bcc, string subject, string body)
    {
        IReadOnlyList<string> toList = Addresses.Union([to], []);
        IReadOnlyList<string> bccList = Addresses.Union([bcc], toList);
        if (toList.Count == 0 && bccList.Count == 0)
        {
            return null;
        }

        var payload = new TicketNotification(
            state.Ticket, state.Queue, kind, Visibility, toList, bccList, $"[hub #{Number(state.Ticket)}] {subject}", body, null);
        return new SideEffect(TicketDecider.NotifyEffect, JsonSerializer.Serialize(payload, Json));
    }
}
