using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Functions.Notifications;
using Hub.Storage.Account;
using Hub.Storage.Blobs;
using Hub.Testing;
using Microsoft.Extensions.Configuration;

namespace Hub.Functions.Tests.Notifications;

/// <summary>The blob outbox's names (newest first, one per outbox row) and the listing that reads only the newest.</summary>
public sealed class OutboxListingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    [Fact]
    public void BlobName_SortsNewestFirst_AndGivesBackTheQueueTime()
    {
        OutgoingMail older = Mail("ticket:1/0000000000000000001-00-a", T0);
        OutgoingMail newer = Mail("ticket:1/0000000000000000002-00-b", T0.AddTicks(1));

        string[] names = [BlobMailOutbox.BlobName(BlobMailOutbox.SentPrefix, older), BlobMailOutbox.BlobName(BlobMailOutbox.SentPrefix, newer)];

        Assert.Equal([names[1], names[0]], names.Order(StringComparer.Ordinal));
        Assert.StartsWith("mail/", names[0], StringComparison.Ordinal);
        Assert.Equal(T0, BlobMailOutbox.QueuedAtOf(names[0], BlobMailOutbox.SentPrefix));
        Assert.Null(BlobMailOutbox.QueuedAtOf(names[0], BlobMailOutbox.RefusedPrefix));
        Assert.Null(BlobMailOutbox.QueuedAtOf("mail/not-a-time.json", BlobMailOutbox.SentPrefix));
        Assert.Null(BlobMailOutbox.QueuedAtOf("ticket%3A1.json", BlobMailOutbox.SentPrefix));
    }

    [Fact]
    public async Task Listing_ManyMails_ReadsOneListPageAPrefixAndOnlyTheNewest_ARetryWritesNothingNew()
    {
        var counter = new StorageRequestCounter();
        BlobMailOutbox outbox = await OutboxAsync(counter);
        for (int i = 0; i < 30; i++)
        {
            await outbox.SendAsync(Mail($"ticket:{i}/0000000000000000001-00-c", T0.AddMinutes(i)), CancellationToken.None);
        }

        // A retried row (same key, same commit time) lands on the blob it wrote the first time.
        await outbox.SendAsync(Mail("ticket:3/0000000000000000001-00-c", T0.AddMinutes(3)) with { Subject = "Retried" }, CancellationToken.None);
        IReadOnlyDictionary<string, long> before = counter.Snapshot();

        IReadOnlyList<OutboxEntry> newest = await OutboxListing.NewestAsync(outbox.Container, 3, CancellationToken.None);

        IReadOnlyDictionary<string, long> used = StorageRequestCounter.Difference(before, counter.Snapshot());
        Assert.Equal(["ticket:29/0000000000000000001-00-c", "ticket:28/0000000000000000001-00-c", "ticket:27/0000000000000000001-00-c"], newest.Select(m => m.Id));
        Assert.Equal(T0.AddMinutes(29), newest[0].At);
        // mail/ and refused/ one page each, the pre-rename root and failed/ one each; three downloads.
        Assert.Equal(new Dictionary<string, long> { ["blob GET container"] = 4, ["blob GET blob"] = 3 }, used);
        IReadOnlyList<OutboxEntry> all = await OutboxListing.NewestAsync(outbox.Container, 100, CancellationToken.None);
        Assert.Equal(30, all.Count);
        Assert.Equal("Subject 3", Assert.Single(all, m => m.Id == "ticket:3/0000000000000000001-00-c").Subject);
    }

    [Fact]
    public async Task Listing_MailsKeptUnderTheOldNames_AreStillShownInTimeOrderWithTheNewOnes()
    {
        BlobMailOutbox outbox = await OutboxAsync(new StorageRequestCounter());
        // Before mail/ and refused/: a sent mail at the container's root and a refused one under failed/, named by key.
        await outbox.Container.GetBlobClient("ticket%3A7%2F1.json").UploadIfAbsentAsync(BinaryData.FromObjectAsJson(
            new BlobMailOutbox.OutboxMail("ticket:7/1", T0, null, Mail("ticket:7/1", T0)), Json), "application/json", CancellationToken.None);
        await outbox.Container.GetBlobClient("failed/ticket%3A8%2F1.json").UploadIfAbsentAsync(BinaryData.FromObjectAsJson(
            new MailDelivery.FailedMail("ticket:8/1", T0, "550 no such user", 550, Mail("ticket:8/1", T0)), Json), "application/json", CancellationToken.None);
        // Queued after those blobs were written (blob times are the server's), so it is the newest.
        await outbox.SendAsync(Mail("ticket:9/1", DateTimeOffset.UtcNow.AddMinutes(5)), CancellationToken.None);

        IReadOnlyList<OutboxEntry> newest = await OutboxListing.NewestAsync(outbox.Container, 10, CancellationToken.None);

        Assert.Equal("ticket:9/1", newest[0].Id);
        Assert.Equal(["ticket:7/1", "ticket:8/1", "ticket:9/1"], newest.Select(m => m.Id).Order(StringComparer.Ordinal));
        OutboxEntry refused = Assert.Single(newest, m => m.State == "failed");
        Assert.Equal(("ticket:8/1", "550 no such user"), (refused.Id, refused.Error));
    }

    private static async Task<BlobMailOutbox> OutboxAsync(StorageRequestCounter counter)
    {
        Azurite azurite = await Azurite.SharedAsync();
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [StorageAccounts.Default] = azurite.ConnectionString })
            .Build();
        var outbox = new BlobMailOutbox(new StorageAccounts(configuration, counter), DurableNames.From(new HubOptions { DurableName = Azurite.UniqueName() }));
        await outbox.Container.CreateIfNotExistsAsync();
        return outbox;
    }

    private static OutgoingMail Mail(string id, DateTimeOffset queuedAt) =>
        new(id, "hub@example.org", "Hub", "hub@example.org", ["jane@example.com"], [], "Subject " + id.Split('/')[0].Split(':')[1], "Text.", "<p>Text.</p>",
            new Dictionary<string, string> { ["X-Hub-Kind"] = "created" }, [])
        {
            QueuedAt = queuedAt,
        };
}
