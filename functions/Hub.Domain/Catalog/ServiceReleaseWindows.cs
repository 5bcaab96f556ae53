using System.Globalization;
using Hub.Domain.Changes;
using Hub.Domain.Durable;

namespace Hub.Domain.Catalog;

/// <summary>
/// A recurring release window as a service record writes it (docs/changes.md): the days (<c>Mon</c> or <c>Monday</c>,
/// any case), the local opening time <c>HH:mm</c> in the record's <c>timeZone</c>, and how long it stays open as
/// <c>HH:mm</c> or <c>d.HH:mm</c> of elapsed time (at most 7 days).
/// </summary>
public sealed record ServiceReleaseWindow(IReadOnlyList<string> Days, string Start, string Duration, string? Name = null)
{
    public IReadOnlyList<string> Days { get; init; } = Days ?? [];
}

/// <summary>A release slot negotiated once (an emergency, a migration weekend), as instants.</summary>
public sealed record ServiceReleaseSlot(DateTimeOffset Start, DateTimeOffset End, string? Name = null);

/// <summary>The record's windows in the change domain's terms, and the checks that name each wrong field.</summary>
public static class ServiceReleaseWindows
{
    /// <summary>The zone a record without <c>timeZone</c> keeps its windows in.</summary>
    public const string DefaultTimeZone = "UTC";

    /// <summary>The record's release windows, validated; a refusal is "field: rule" at the record's path.</summary>
    public static Result<ReleaseWindows> Of(ServiceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var p = new ProblemList();
        (List<WeeklyWindow> weekly, List<OneOffSlot> slots) = Convert(record, "", p);
        if (p.Items.Count > 0)
        {
            return Result<ReleaseWindows>.Rejected($"{p.Items[0].Path}: {p.Items[0].Message}");
        }

        Result<ReleaseWindows> windows = ReleaseWindows.Create(record.TimeZone ?? DefaultTimeZone, weekly, slots);
        return windows.IsOk ? windows : Result<ReleaseWindows>.Rejected(Qualify(windows.Reason!));
    }

    /// <summary>Every problem of the record's time zone, windows and slots, each at its path.</summary>
    internal static void Check(ServiceRecord s, string at, ProblemList p)
    {
        if (s.TimeZone is { } zone && !ServiceTimeZones.Resolve(zone).IsOk)
        {
            p.Add($"{at}timeZone", CatalogRule.UnknownValue, $"{at}timeZone '{zone}' is not an IANA or Windows time zone id (e.g. Europe/London).");
        }

        (List<WeeklyWindow> weekly, List<OneOffSlot> slots) = Convert(s, at, p);
        for (int i = 0; i < weekly.Count; i++)
        {
            if (weekly[i].Duration > ReleaseWindows.MaxDuration)
            {
                p.Add($"{at}releaseWindows[{i}].duration", CatalogRule.UnknownValue, $"{at}releaseWindows[{i}].duration must be at most 7 days.");
            }
        }

        for (int i = 0; i < slots.Count; i++)
        {
            if (slots[i].End <= slots[i].Start)
            {
                p.Add($"{at}releaseSlots[{i}].end", CatalogRule.UnknownValue, $"{at}releaseSlots[{i}].end must be after its start.");
            }
        }
    }

    private static (List<WeeklyWindow> Weekly, List<OneOffSlot> Slots) Convert(ServiceRecord s, string at, ProblemList p)
    {
        var weekly = new List<WeeklyWindow>();
        for (int i = 0; i < s.ReleaseWindows.Count; i++)
        {
            ServiceReleaseWindow w = s.ReleaseWindows[i];
            string path = $"{at}releaseWindows[{i}]";
            var days = new List<DayOfWeek>();
            if (w.Days.Count == 0)
            {
                p.Add($"{path}.days", CatalogRule.Required, $"{path}.days needs at least one day of the week.");
            }

            for (int d = 0; d < w.Days.Count; d++)
            {
                if (Day(w.Days[d]) is { } day)
                {
                    days.Add(day);
                }
                else
                {
                    p.Add($"{path}.days[{d}]", CatalogRule.UnknownValue, $"{path}.days[{d}] '{w.Days[d]}' is not a day of the week (Mon ... Sun).");
                }
            }

            bool startOk = TimeOnly.TryParseExact(w.Start ?? "", ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out TimeOnly start);
            if (!startOk)
            {
                p.Add($"{path}.start", CatalogRule.UnknownValue, $"{path}.start '{w.Start}' is not a local time of day in whole minutes (HH:mm).");
            }

            bool durationOk = TimeSpan.TryParseExact(w.Duration ?? "", [@"h\:mm", @"hh\:mm", @"d\.hh\:mm"], CultureInfo.InvariantCulture, out TimeSpan duration) && duration > TimeSpan.Zero;
            if (!durationOk)
            {
                p.Add($"{path}.duration", CatalogRule.UnknownValue, $"{path}.duration '{w.Duration}' is not a positive length of time (HH:mm, or d.HH:mm).");
            }

            if (startOk && durationOk && days.Count > 0)
            {
                weekly.Add(new WeeklyWindow(days, start, duration, w.Name));
            }
        }

        return (weekly, [.. s.ReleaseSlots.Select(slot => new OneOffSlot(slot.Start, slot.End, slot.Name))]);
    }

    private static DayOfWeek? Day(string? name)
    {
        string text = name?.Trim() ?? "";
        return text.Length < 3 ? null
            : Enum.GetValues<DayOfWeek>().Select(d => (DayOfWeek?)d).FirstOrDefault(d =>
                string.Equals(d.ToString(), text, StringComparison.OrdinalIgnoreCase)
                || string.Equals(d.ToString()![..3], text, StringComparison.OrdinalIgnoreCase));
    }

    // The domain names its fields "windows[i]" and "slots[i]"; the record calls them releaseWindows and releaseSlots.
    private static string Qualify(string reason) =>
        reason.StartsWith("windows[", StringComparison.Ordinal) ? $"releaseWindows{reason["windows".Length..]}"
        : reason.StartsWith("slots[", StringComparison.Ordinal) ? $"releaseSlots{reason["slots".Length..]}"
        : reason;
}
