namespace Hub.Domain.Changes;

/// <summary>One opening of a release window, in UTC: open from <paramref name="Start"/> until just before <paramref name="End"/>.</summary>
public sealed record WindowOccurrence(DateTimeOffset Start, DateTimeOffset End, string Name)
{
    public bool Contains(DateTimeOffset at) => Start <= at && at < End;
}
