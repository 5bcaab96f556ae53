using System.Globalization;

namespace Hub.Domain.Changes;

/// <summary>The change calendar of a service: its release windows and the changes scheduled into them.</summary>
public static class ChangeCalendar
{
    /// <summary>
    /// The windows of <paramref name="service"/> opening in [<paramref name="from"/>, <paramref name="to"/>) and the
    /// changes waiting for one of them to start, by start. UIDs are stable, so a subscribed calendar updates in place.
    /// </summary>
    public static IReadOnlyList<CalendarEvent> Events(string service, ReleaseWindows windows, IEnumerable<ChangeState> changes, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(windows);
        IEnumerable<CalendarEvent> openings = windows.Occurrences(from, to).Select(o => new CalendarEvent(
            $"window-{service}-{Stamp(o.Start)}@hub", o.Start, o.End, $"{service}: {o.Name}", $"Release window of {service} ({windows.Zone.Id})."));
        IEnumerable<CalendarEvent> scheduled = Scheduled(changes, from, to).Select(c => new CalendarEvent(
            $"change-{c.Number}-{c.Tier}@hub",
            c.WaitingUntil!.Value,
            c.WindowCloses ?? c.WaitingUntil.Value,
            $"{(c.Emergency ? "[EMERGENCY] " : "")}Change #{c.Number} {c.Service!.Name} {c.Version ?? ""} to {c.Tier}".Replace("  ", " ", StringComparison.Ordinal),
            c.Summary));
        // OrderBy is stable: at the same start a window comes before the changes scheduled into it. Two weekly windows
        // opening at the same instant would share a UID: the second gets a suffix, so each stays its own VEVENT.
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        return [.. openings.Concat(scheduled).OrderBy(e => e.Start).Select(e => Unique(e, seen))];
    }

    private static CalendarEvent Unique(CalendarEvent e, Dictionary<string, int> seen)
    {
        int count = seen.GetValueOrDefault(e.Uid) + 1;
        seen[e.Uid] = count;
        return count == 1 ? e : e with { Uid = e.Uid.Replace("@hub", $"-{count}@hub", StringComparison.Ordinal) };
    }

    /// <summary>The changes that will start in [<paramref name="from"/>, <paramref name="to"/>) (the daily mail's next 24 hours), by start.</summary>
    public static IReadOnlyList<ChangeState> Scheduled(IEnumerable<ChangeState> changes, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return [.. changes
            .Where(c => c.Progress == ChangeProgress.WaitingForWindow && c.WaitingUntil is { } at && at >= from && at < to)
            .OrderBy(c => c.WaitingUntil)
            .ThenBy(c => c.Number)];
    }

    private static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
}
