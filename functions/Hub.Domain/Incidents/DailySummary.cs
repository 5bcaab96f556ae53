using System.Globalization;
using System.Text;
using Hub.Domain.Changes;
using Hub.Domain.Rota;

namespace Hub.Domain.Incidents;

/// <summary>A release ticket whose status changed in the last 24 hours.</summary>
public sealed record ReleaseMove(long Ticket, string Subject, string Status, DateTimeOffset Since);

/// <summary>Who a rota has on call now, and until when.</summary>
public sealed record RotaOnCall(string Rota, OnCallShift Shift);

/// <summary>
/// The daily summary the team list receives: open incidents (age, level, owner), incidents resolved in the last 24 hours,
/// releases that moved, changes scheduled to start in the next 24 hours, who is on call. Pure: everything, including <c>now</c>, is passed in; lines are sorted so the
/// mail is the same whatever order storage returned the rows in.
/// </summary>
public static class DailySummary
{
    public static string Build(
        string day, DateTimeOffset now, IEnumerable<IncidentState> incidents, IEnumerable<ReleaseMove> releases, IEnumerable<ChangeState> changes, IEnumerable<RotaOnCall> onCall)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        DateTimeOffset since = now - TimeSpan.FromHours(24);
        IncidentState[] all = [.. incidents];
        IncidentState[] open = [.. all.Where(i => i.IsOpen && i.Kind == IncidentKinds.Urgent).OrderBy(i => i.OpenedAt).ThenBy(i => i.Ticket)];
        IncidentState[] resolved = [.. all.Where(i => i.ResolvedAt is { } at && at > since).OrderBy(i => i.ResolvedAt).ThenBy(i => i.Ticket)];
        ReleaseMove[] moved = [.. releases.OrderBy(r => r.Since).ThenBy(r => r.Ticket)];
        IReadOnlyList<ChangeState> scheduled = ChangeCalendar.Scheduled(changes, now, now + TimeSpan.FromHours(24));

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Daily summary for {day} ({Format(now)})\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Open incidents ({open.Length}):\n");
        Lines(text, open, i => $"#{i.Ticket} {i.Subject}: open {IncidentDecider.Age(now - i.OpenedAt)}; {IncidentDecider.Escalation(i)}; owner {i.TechLead?.Name}{Catalog(i)}");
        text.Append(CultureInfo.InvariantCulture, $"\nResolved in the last 24 hours ({resolved.Length}):\n");
        Lines(text, resolved, i => $"#{i.Ticket} {i.Subject}: resolved {Format(i.ResolvedAt!.Value)}; post-mortem due {i.PostMortem?.Due:yyyy-MM-dd}");
        text.Append(CultureInfo.InvariantCulture, $"\nReleases that moved in the last 24 hours ({moved.Length}):\n");
        Lines(text, moved, r => $"#{r.Ticket} {r.Subject}: {r.Status} since {Format(r.Since)}");
        text.Append(CultureInfo.InvariantCulture, $"\nChanges scheduled in the next 24 hours ({scheduled.Count}):\n");
        Lines(text, scheduled, c =>
            $"#{c.Number} {(c.Emergency ? "[EMERGENCY] " : "")}{c.Service?.Name}{(c.Version is { } version ? " " + version : "")} to {c.Tier} at {Format(c.WaitingUntil!.Value)}: {c.Summary}");
        text.Append("\nOn call:\n");
        Lines(text, [.. onCall.OrderBy(o => o.Rota, StringComparer.Ordinal)], o =>
            $"{o.Rota}: {o.Shift.Member.Name} <{o.Shift.Member.Address}> until {Format(o.Shift.To)}{(o.Shift.IsOverride ? " (override)" : "")}");
        return text.ToString().TrimEnd('\n');
    }

    /// <summary>"; run book URL; DR category X" for an incident whose service's record had them when it opened.</summary>
    private static string Catalog(IncidentState incident) =>
        (incident.RunBookUrl is { Length: > 0 } runBook ? $"; run book {runBook}" : "")
        + (incident.DrCategory is { Length: > 0 } dr ? $"; DR category {dr}" : "");

    private static void Lines<T>(StringBuilder text, IReadOnlyList<T> items, Func<T, string> line)
    {
        if (items.Count == 0)
        {
            text.Append("- none\n");
        }

        foreach (T item in items)
        {
            text.Append("- ").Append(line(item)).Append('\n');
        }
    }

    private static string Format(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
