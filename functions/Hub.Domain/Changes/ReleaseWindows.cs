using System.Globalization;
using Hub.Domain.Durable;

namespace Hub.Domain.Changes;

/// <summary>
/// The release windows negotiated for a service: weekly windows in the service's time zone and one-off slots.
/// </summary>
/// <remarks>
/// Daylight-saving rules (the same choices cron and Cronos make, so a window and a timer schedule agree):
/// <list type="bullet">
/// <item>A local start that does not exist (it falls in the spring-forward gap, e.g. 01:30 in London on the last Sunday
/// of March) opens the window at the instant the clocks jump (02:00 BST, 01:00 UTC) rather than skipping it.</item>
/// <item>A local start that happens twice (it falls in the fall-back hour, e.g. 01:30 in London on the last Sunday of
/// October) opens the window once, at its first occurrence (01:30 BST, 00:30 UTC).</item>
/// <item>The duration is elapsed time from that opening, not wall-clock time: a window that spans the fall-back hour
/// closes one hour earlier on the wall clock, and one that spans the spring-forward gap one hour later, but it is
/// always as long as was negotiated.</item>
/// </list>
/// </remarks>
public sealed class ReleaseWindows
{
    /// <summary>A weekly window longer than a week would never close.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(7);

    private readonly TimeSpan _longest;

    private ReleaseWindows(TimeZoneInfo zone, IReadOnlyList<WeeklyWindow> weekly, IReadOnlyList<OneOffSlot> slots)
    {
        Zone = zone;
        Weekly = weekly;
        Slots = slots;
        _longest = weekly.Count == 0 ? TimeSpan.Zero : weekly.Max(w => w.Duration);
    }

    public TimeZoneInfo Zone { get; }

    public IReadOnlyList<WeeklyWindow> Weekly { get; }

    public IReadOnlyList<OneOffSlot> Slots { get; }

    /// <summary>The windows of a service in the zone <paramref name="timeZoneId"/> (IANA or Windows id), validated.</summary>
    public static Result<ReleaseWindows> Create(string timeZoneId, IReadOnlyList<WeeklyWindow> weekly, IReadOnlyList<OneOffSlot> slots)
    {
        Result<TimeZoneInfo> zone = ServiceTimeZones.Resolve(timeZoneId);
        return zone.IsOk ? Create(zone.Value!, weekly, slots) : Result<ReleaseWindows>.Rejected(zone.Reason!);
    }

    public static Result<ReleaseWindows> Create(TimeZoneInfo zone, IReadOnlyList<WeeklyWindow> weekly, IReadOnlyList<OneOffSlot> slots)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(weekly);
        ArgumentNullException.ThrowIfNull(slots);
        for (int i = 0; i < weekly.Count; i++)
        {
            WeeklyWindow w = weekly[i];
            string? bad = w.Days.Count == 0 ? "days: at least one day of the week."
                : w.Start.Second != 0 || w.Start.Millisecond != 0 || w.Start.Microsecond != 0 ? "start: whole minutes (HH:mm)."
                : w.Duration <= TimeSpan.Zero ? "duration: must be positive."
                : w.Duration > MaxDuration ? "duration: at most 7 days."
                : null;
            if (bad is not null)
            {
                return Result<ReleaseWindows>.Rejected($"windows[{i}].{bad}");
            }
        }

        for (int i = 0; i < slots.Count; i++)
        {
            if (slots[i].End <= slots[i].Start)
            {
                return Result<ReleaseWindows>.Rejected($"slots[{i}].end: must be after its start.");
            }
        }

        return Result<ReleaseWindows>.Ok(new ReleaseWindows(zone, weekly, slots));
    }

    /// <summary>Whether a window is open at <paramref name="at"/> (a window is open from its start, up to but excluding its end).</summary>
    public bool IsOpen(DateTimeOffset at) => Occurrences(at, at.AddTicks(1)).Any(o => o.Contains(at));

    /// <summary>When the windows open at <paramref name="at"/> all close, overlapping ones merged; null when none is open.</summary>
    public DateTimeOffset? OpenUntil(DateTimeOffset at)
    {
        if (!IsOpen(at))
        {
            return null;
        }

        DateTimeOffset until = at;
        // Each pass extends to the furthest end of the windows open at the current end; back-to-back windows merge.
        for (int pass = 0; pass < 1000; pass++)
        {
            DateTimeOffset furthest = Occurrences(until, until.AddTicks(1)).Where(o => o.Contains(until)).Select(o => o.End).DefaultIfEmpty(until).Max();
            if (furthest == until)
            {
                return until;
            }

            until = furthest;
        }

        return until;
    }

    /// <summary>The first window start at or after <paramref name="after"/>; null when no window ever opens again.</summary>
    public DateTimeOffset? NextOpening(DateTimeOffset after)
    {
        // Every weekday recurs within 7 local days; a day more covers an opening pushed by a daylight-saving gap.
        DateTimeOffset? weekly = WeeklyOccurrences(after, after.AddDays(8)).Where(o => o.Start >= after).Select(o => (DateTimeOffset?)o.Start).Min();
        DateTimeOffset? slot = Slots.Where(s => s.Start >= after).Select(s => (DateTimeOffset?)s.Start.ToUniversalTime()).Min();
        return weekly is null ? slot : slot is null ? weekly : weekly < slot ? weekly : slot;
    }

    /// <summary>Every opening that overlaps [<paramref name="from"/>, <paramref name="to"/>), in UTC, by start: the change calendar.</summary>
    public IReadOnlyList<WindowOccurrence> Occurrences(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return [];
        }

        IEnumerable<WindowOccurrence> slots = Slots
            .Where(s => s.End > from && s.Start < to)
            .Select(s => new WindowOccurrence(s.Start.ToUniversalTime(), s.End.ToUniversalTime(), s.Name ?? "One-off release slot"));
        return [.. WeeklyOccurrences(from, to).Concat(slots).OrderBy(o => o.Start).ThenBy(o => o.End)];
    }

    private IEnumerable<WindowOccurrence> WeeklyOccurrences(DateTimeOffset from, DateTimeOffset to)
    {
        if (Weekly.Count == 0)
        {
            yield break;
        }

        // Start early enough to catch a window that opened days before `from` and is still open.
        DateOnly day = LocalDate(from).AddDays(-((int)Math.Ceiling(_longest.TotalDays) + 1));
        DateOnly last = LocalDate(to).AddDays(1);
        for (; day <= last; day = day.AddDays(1))
        {
            foreach (WeeklyWindow window in Weekly.Where(w => w.Days.Contains(day.DayOfWeek)))
            {
                DateTimeOffset start = ToInstant(day.ToDateTime(window.Start));
                DateTimeOffset end = start + window.Duration;
                if (end > from && start < to)
                {
                    yield return new WindowOccurrence(start, end, window.Name ?? Describe(window));
                }
            }
        }
    }

    private DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);

    /// <summary>The instant a local wall-clock time names, by the rules in the class remarks.</summary>
    private DateTimeOffset ToInstant(DateTime local)
    {
        if (Zone.IsInvalidTime(local))
        {
            // In the gap: the first local minute that exists is the instant the clocks jumped.
            DateTime after = local;
            for (int minutes = 0; minutes < 48 * 60 && Zone.IsInvalidTime(after); minutes++)
            {
                after = after.AddMinutes(1);
            }

            return new DateTimeOffset(after, Zone.GetUtcOffset(after)).ToUniversalTime();
        }

        if (Zone.IsAmbiguousTime(local))
        {
            // Twice on the wall clock: the larger offset is the earlier instant.
            TimeSpan first = Zone.GetAmbiguousTimeOffsets(local).Max();
            return new DateTimeOffset(local, first).ToUniversalTime();
        }

        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private string Describe(WeeklyWindow w) => string.Create(
        CultureInfo.InvariantCulture,
        $"Release window {string.Join(",", w.Days.Select(d => d.ToString()[..3]))} {w.Start:HH\\:mm} {Zone.Id} for {Hours(w.Duration)}");

    private static string Hours(TimeSpan span) => span.TotalMinutes % 60 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0}h")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:00}m");
}
