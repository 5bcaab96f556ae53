namespace Hub.Domain.Sites;

/// <summary>How site runs are kept and reported.</summary>
/// <param name="OutputTailLimit">Characters of each step's output kept (its end: where the error usually is).</param>
/// <param name="KeptRuns">Finished runs kept per site, newest first.</param>
/// <param name="DefectQueue">Where a failed run opens a ticket when the failing service has none open.</param>
public sealed record SiteRunSettings(int OutputTailLimit = 4000, int KeptRuns = 20, string DefectQueue = "ProductionDefect")
{
    public static SiteRunSettings Default { get; } = new();
}
