using Hub.Domain.Durable;

namespace Hub.Domain.Changes;

/// <summary>Resolves a service's time zone from an IANA id (Europe/London) or a Windows id (GMT Standard Time).</summary>
public static class ServiceTimeZones
{
    // The hub runs with invariant globalization on Linux, where .NET cannot convert Windows ids (that needs ICU): the
    // zones services are likely to name are mapped here, as CLDR's windowsZones.xml maps them (territory 001).
    private static readonly Dictionary<string, string> WindowsToIana = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UTC"] = "Etc/UTC",
        ["GMT Standard Time"] = "Europe/London",
        ["Greenwich Standard Time"] = "Atlantic/Reykjavik",
        ["W. Europe Standard Time"] = "Europe/Berlin",
        ["Romance Standard Time"] = "Europe/Paris",
        ["Central Europe Standard Time"] = "Europe/Budapest",
        ["Central European Standard Time"] = "Europe/Warsaw",
        ["GTB Standard Time"] = "Europe/Bucharest",
        ["FLE Standard Time"] = "Europe/Kiev",
        ["Eastern Standard Time"] = "America/New_York",
        ["Central Standard Time"] = "America/Chicago",
        ["Mountain Standard Time"] = "America/Denver",
        ["US Mountain Standard Time"] = "America/Phoenix",
        ["Pacific Standard Time"] = "America/Los_Angeles",
        ["AUS Eastern Standard Time"] = "Australia/Sydney",
        ["India Standard Time"] = "Asia/Calcutta",
        ["Tokyo Standard Time"] = "Asia/Tokyo",
    };

    /// <summary>The zone named <paramref name="id"/>; a refusal naming the field when the platform knows no such zone.</summary>
    public static Result<TimeZoneInfo> Resolve(string id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return Result<TimeZoneInfo>.Rejected("timeZone: required (an IANA id such as Europe/London, or a Windows id).");
        }

        TimeZoneInfo? zone = Find(id) ?? (WindowsToIana.TryGetValue(id, out string? iana) ? Find(iana) : null);
        if (zone is not null)
        {
            return Result<TimeZoneInfo>.Ok(zone);
        }

        return Result<TimeZoneInfo>.Rejected($"timeZone: '{id}' is not a time zone this platform knows.");
    }

    private static TimeZoneInfo? Find(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }
}
