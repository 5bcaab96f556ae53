namespace Hub.Domain.Catalog;

/// <summary>
/// The deployment tiers a service may have (DESIGN 5.4: DEV, TEST, STAGE, PROD by default; the Edinburgh TAD's
/// DEV, TEST, TRN, LIVE). A service lists its own, in its own order; names compare case-insensitively.
/// </summary>
public static class TierNames
{
    public static IReadOnlyList<string> Known { get; } = ["DEV", "TEST", "TRN", "STAGE", "LIVE", "PROD"];

    public static bool IsKnown(string? tier) => tier is not null && Known.Contains(tier, StringComparer.OrdinalIgnoreCase);

    public static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
