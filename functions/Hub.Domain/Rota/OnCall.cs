namespace Hub.Domain.Rota;

/// <summary>Who is on call at a given instant. Pure: the instant is passed in; local times follow the rota's time zone.</summary>
public static class OnCall
{
    public static OnCallShift At(RotaDefinition rota, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rota);
        if (rota.Members.Count == 0)
        {
            throw new ArgumentException($"Rota '{rota.Name}' has no members.", nameof(rota));
        }

        OnCallShift scheduled = Scheduled(rota, now);
        // The latest-starting override that covers now wins: a later, more specific swap beats an earlier one.
        RotaOverride? swap = rota.Overrides.Where(o => o.From <= now && now < o.To).OrderByDescending(o => o.From).FirstOrDefault();
        if (swap is not null && rota.Member(swap.Member) is { } stand)
        {
            return new OnCallShift(stand, swap.From, swap.To, IsOverride: true);
        }

        return scheduled;
    }

    private static OnCallShift Scheduled(RotaDefinition rota, DateTimeOffset now)
    {
        DateTime local = TimeZoneInfo.ConvertTime(now, rota.TimeZone).DateTime;
        DateOnly day = DateOnly.FromDateTime(local);
        // Before the handover time the previous day's shift is still running.
        if (TimeOnly.FromDateTime(local) < rota.Handover)
        {
            day = day.AddDays(-1);
        }

        int days = day.DayNumber - rota.Start.DayNumber;
        int length = rota.Shift == ShiftLength.Weekly ? 7 : 1;
        int shift = FloorDiv(days, length);
        int index = ((shift % rota.Members.Count) + rota.Members.Count) % rota.Members.Count;
        DateOnly first = rota.Start.AddDays(shift * length);
        return new OnCallShift(
            rota.Members[index], ToUtc(rota, first, rota.Handover), ToUtc(rota, first.AddDays(length), rota.Handover), IsOverride: false);
    }

    /// <summary>A local date and time in the rota's zone as an instant; a time skipped by a DST change moves forward an hour.</summary>
    public static DateTimeOffset ToUtc(RotaDefinition rota, DateOnly date, TimeOnly time)
    {
        ArgumentNullException.ThrowIfNull(rota);
        return LocalToUtc(rota.TimeZone, date.ToDateTime(time));
    }

    public static DateTimeOffset LocalToUtc(TimeZoneInfo zone, DateTime local)
    {
        ArgumentNullException.ThrowIfNull(zone);
        DateTime unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified))
        {
            unspecified = unspecified.AddHours(1);
        }

        TimeSpan offset = zone.GetUtcOffset(unspecified);
        return new DateTimeOffset(unspecified, offset).ToUniversalTime();
    }

    private static int FloorDiv(int a, int b) => (a / b) - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
}
