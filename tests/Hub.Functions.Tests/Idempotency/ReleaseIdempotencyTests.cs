using Hub.Functions.Tests.Releases;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Idempotency.IdempotencyKit;
using static Hub.Functions.Tests.Releases.ReleaseKit;

namespace Hub.Functions.Tests.Idempotency;

/// <summary>Idempotency-Key on submitting releases, on a real hub.</summary>
public sealed class ReleaseIdempotencyTests
{
    private static readonly object Foo = new { title = "Foo 2.2", provider = "provider@vendor.example" };

    [Fact]
    public async Task Create_SameKeyAndBodyTwice_ReplaysWithOneReleaseAndNoSecondMail()
    {
        await using TestHub hub = await TestHub.StartAsync(await ReleaseLifecycleTests.KeysAsync());

        Answer first = await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, Foo, "submit-foo");
        await HubState.WaitForIdleAsync(hub);
        int mails = await MailCountAsync(hub);
        Answer again = await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, Foo, "submit-foo");

        Assert.Equal((201, 201), (first.Status, again.Status));
        Assert.Equal(("true", "/api/releases/1", first.Body), (again.Replayed, again.Location, again.Body));
        Assert.Equal(1L, again.Number());
        Assert.Equal(1L, Assert.Single((await ReleaseStatesAsync(hub)).Keys));
        Assert.Equal(mails, await MailCountAsync(hub));
    }

    [Fact]
    public async Task Create_SameKeyOtherBody_Answers422AndSubmitsNothing()
    {
        await using TestHub hub = await TestHub.StartAsync(await ReleaseLifecycleTests.KeysAsync());
        await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, Foo, "submit-twice");

        Answer other = await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, new { title = "Bar 1.0" }, "submit-twice");

        Assert.Equal(422, other.Status);
        Assert.Equal(["Idempotency-Key"], other.ErrorFields());
        Assert.Equal(1L, Assert.Single((await ReleaseStatesAsync(hub)).Keys));
    }

    [Fact]
    public async Task Create_DifferentKeysOrNoKey_SubmitsOneReleaseEach()
    {
        await using TestHub hub = await TestHub.StartAsync(await ReleaseLifecycleTests.KeysAsync());

        await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, Foo, "submit-a");
        await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, Foo, "submit-b");
        await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, Foo, null);
        Answer last = await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, Foo, null);

        Assert.Equal((201, "/api/releases/4", null), (last.Status, last.Location, last.Replayed));
        Assert.Equal([1L, 2L, 3L, 4L], (await ReleaseStatesAsync(hub)).Keys.Order());
    }

    [Fact]
    public async Task Create_RepeatedPast24Hours_SubmitsANewRelease()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using TestHub hub = await TestHub.StartAsync(await ReleaseLifecycleTests.KeysAsync(), services => services.AddSingleton<TimeProvider>(clock));
        await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, Foo, "submit-daily");

        clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        Answer past = await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, Foo, "submit-daily");

        Assert.Equal((201, null, "/api/releases/2"), (past.Status, past.Replayed, past.Location));
        Assert.Equal([1L, 2L], (await ReleaseStatesAsync(hub)).Keys.Order());
    }

    private static async Task<Dictionary<long, Hub.Domain.Releases.ReleaseState>> ReleaseStatesAsync(TestHub hub) =>
        await (await StoredHub.OpenAsync(hub.App.Services.GetRequiredService<Hub.Functions.Durable.DurableNames>().Table))
            .StatesAsync<Hub.Domain.Releases.ReleaseState>(Hub.Domain.Releases.ReleaseDecider.AggregateKind);
}
