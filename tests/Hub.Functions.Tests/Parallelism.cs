using Xunit.Abstractions;

// Most of these tests wait: for a timer, a lease, a release window, a browser, a child process. A fresh-clone run on
// 2 cores used about a fifth of the machine's CPU with xunit's default of one test class at a time per core, so four
// run at once; the longest start first, so that the run does not end waiting for one begun late. The heaviest two
// still never overlap (their shared collection, "Process and storage outages").
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
[assembly: TestCollectionOrderer("Hub.Functions.Tests.LongestFirst", "Hub.Functions.Tests")]

namespace Hub.Functions.Tests;

/// <summary>
/// Starts the collections that took longest in a fresh-clone run first (<see cref="Longest"/>, longest first), then
/// the others in xunit's order. A name missing here only costs time, never a result.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private static readonly string[] Longest =
    [
        "Process and storage outages", // KillRecoveryTests and StorageOutageTests, one after the other: about 185 s
        "Changes.ChangeWalkTests", // waits for a release window a minute out
        "Sites.SiteRunTests",
        "Intake.Tickets.TicketHookTests",
        "Durable.TwoHostsTests",
        "Dashboard.DashboardBrowserTests",
        "Docs.QuickStartTests",
        "Incidents.RealRtHandOffTests",
        "Releases.ReleaseRepositoryTests",
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.Select((collection, index) => (collection, index))
            .OrderBy(c => Rank(c.collection.DisplayName))
            .ThenBy(c => c.index)
            .Select(c => c.collection);

    private static int Rank(string name)
    {
        int rank = Array.FindIndex(Longest, l => name == l || name.EndsWith("Hub.Functions.Tests." + l, StringComparison.Ordinal));
        return rank < 0 ? Longest.Length : rank;
    }
}
