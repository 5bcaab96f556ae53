using System.Net;
using System.Text;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Configuration;
using Hub.Functions.Outbound;
using Hub.Functions.Releases;
using Hub.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Hub.Functions.Tests.Releases.ReleaseKit;

namespace Hub.Functions.Tests.Releases;

/// <summary>The hub's fetches from a Sync-URL stay off internal networks unless releases.fetch.allowedHosts lists the host.</summary>
public sealed class ReleaseFetchGuardTests
{
    private static readonly byte[] A = Encoding.UTF8.GetBytes("package a");

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("172.32.0.1", true)]
    [InlineData("2001:4860:4860::8888", true)]
    public void ReleaseFetch_IsPublic_RefusesLoopbackPrivateLinkLocalAndUniqueLocal(string address, bool expected) =>
        Assert.Equal(expected, FetchGuard.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task ReleaseFetch_LoopbackHostNotListed_FailedAndNothingIsAsked()
    {
        string shipped = await File.ReadAllTextAsync(Path.Combine(Hub.Testing.Azurite.RepositoryRoot(), "config", "hub.yaml"));
        await using TestHub hub = await StartAsync(new Dictionary<string, string?> { ["Hub__Config"] = ConfigPath(shipped) });
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        sync.Files["a.rpm"] = A;
        long id = await CreateAsync(hub, sync.BaseAddress);
        await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey,
            Xml("1.0.0", "umd-4", new Dictionary<string, byte[]> { ["a.rpm"] = A }, dist: "g" + Guid.NewGuid().ToString("N")[..8]));

        await MoveAsync(hub, id, "Unverified", ProviderKey);

        ReleaseState release = await ReleaseAsync(hub, id);
        Assert.Equal(RolloutProgress.Failed, release.Progress);
        Assert.Contains("127.0.0.1 resolves to 127.0.0.1, which is not a public address", release.FailureReason, StringComparison.Ordinal);
        Assert.Empty(sync.Requests);
    }

    [Fact]
    public async Task ReleaseFetch_GuardRefusal_IsNotRetriedByTheOutboundPipeline()
    {
        // The shipped configuration allows no internal host. A retry would wait for its back-off on this clock, which
        // never moves, so a retried refusal would not come back within the test's deadline.
        var config = HubConfigurationLoader.Load(Path.Combine(Hub.Testing.Azurite.RepositoryRoot(), "config", "hub.yaml"));
        using ServiceProvider services = new ServiceCollection()
            .AddSingleton(config).AddSingleton<TimeProvider>(new FakeTimeProvider()).AddReleaseFetchHttp().BuildServiceProvider();
        HttpClient client = services.GetRequiredService<IHttpClientFactory>().CreateClient(PackageFetcher.ClientName);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        HttpRequestException error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(new Uri("http://127.0.0.1:9/a.rpm"), deadline.Token));

        Assert.True(FetchRefusedException.IsRefusal(error));
        Assert.Contains("127.0.0.1 resolves to 127.0.0.1, which is not a public address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleaseFetch_Redirect_IsNotFollowed()
    {
        await using TestHub hub = await StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        sync.Files["elsewhere/a.rpm"] = A;
        sync.Redirects["a.rpm"] = new Uri(sync.BaseAddress, "elsewhere/a.rpm").ToString();
        long id = await CreateAsync(hub, sync.BaseAddress);
        await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey,
            Xml("1.0.0", "umd-4", new Dictionary<string, byte[]> { ["a.rpm"] = A }, dist: "g" + Guid.NewGuid().ToString("N")[..8]));

        await MoveAsync(hub, id, "Unverified", ProviderKey);

        ReleaseState release = await ReleaseAsync(hub, id);
        Assert.Equal(RolloutProgress.Failed, release.Progress);
        Assert.EndsWith($"{sync.BaseAddress}a.rpm answered 302.", release.FailureReason, StringComparison.Ordinal);
        Assert.Equal(["a.rpm"], sync.Requests.ToArray());
    }
}
