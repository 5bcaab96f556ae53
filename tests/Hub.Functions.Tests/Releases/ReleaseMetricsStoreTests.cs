using System.Text.Json;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Releases;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Releases;

/// <summary>The metrics table: a late or repeated snapshot never rolls a month's figures back.</summary>
public sealed class ReleaseMetricsStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Execute_NewerThenOlderSnapshotAndARepeat_KeepsTheNewer()
    {
        await using TestHub hub = await TestHub.StartAsync();
        ReleaseMetricsStore store = hub.App.Services.GetRequiredService<ReleaseMetricsStore>();
        // As in production, where an outbox row exists only after a commit, which passes DurableStorage.
        await hub.App.Services.GetRequiredService<Hub.Functions.Durable.DurableStorage>().EnsureAsync(default);
        var delivered = new ReleaseMetricsSnapshot(42, 3, "r", false, [new(RolloutProgress.Submitted, T0), new(RolloutProgress.Unverified, T0.AddHours(1))], [], null);
        var staged = delivered with
        {
            Version = 6,
            Entries = [.. delivered.Entries, new(RolloutProgress.InVerification, T0.AddHours(2)), new(RolloutProgress.StageRollout, T0.AddHours(3))],
        };

        await store.ExecuteAsync(Context(staged), default);
        await store.ExecuteAsync(Context(delivered), default);
        await store.ExecuteAsync(Context(staged), default);
        ReleaseMonthReport may = ReleaseMetrics.Month("2026-05", await store.MonthAsync("2026-05", default));

        Assert.Equal((1, 1), (may.Repo1Delivered, may.Repo2PassedVerification));
        ReleaseMonthFacts row = Assert.Single(await store.MonthAsync("2026-05", default));
        Assert.Equal(6, row.Version);
    }

    private static SideEffectContext Context(ReleaseMetricsSnapshot snapshot) =>
        new("release:42", Guid.NewGuid().ToString("N"), ReleaseMetricsSnapshot.EffectKind, JsonSerializer.Serialize(snapshot, Json), new Hub.Testing.RecordingStarter(), DateTimeOffset.UnixEpoch);
}
