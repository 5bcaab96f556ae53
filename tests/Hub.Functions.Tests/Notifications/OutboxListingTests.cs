using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Functions.Notifications;
using Hub.Storage.Account;
using Hub.Storage.Blobs;
using Hub.Testing;
using Microsoft.Extensions.Configuration;

namespace Hub.Functions.Tests.Notifications;

/// <summary>The blob outbox's names (newest first, one per outbox row) and its list, which the listing reads instead of the blobs.</summary>
public sealed class OutboxListingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    [Fact]
    public void BlobName_SortsNewestFirst_ByTheTicksToTheEndOfTimeThenTheEscapedKey()
    {
        OutgoingMail older = Mail("ticket:1/0000000000000000001-00-a", T0);
        OutgoingMail newer = Mail("ticket:1/0000000000000000002-00-b", T0.AddTicks(1));

        string[] names = [BlobMailOutbox.BlobName(BlobMailOutbox.SentPrefix, older), BlobMailOutbox.BlobName(BlobMailOutbox.SentPrefix, newer)];

        Assert.Equal([names[1], names[0]], names.Order(StringComparer.Ordinal));
        Assert.Equal("mail/" + (DateTimeOffset.MaxValue.UtcTicks - T0.UtcTicks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture) + "-ticket:1~2F0000000000000000001-00-a.json", names[0]);
    }

    [Fact]
    public async Task Listing_ManyMails_ReadsOneTableQueryAndNoBlob_ARetryWritesNothingNew()
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

        IReadOnlyList<OutboxEntry> newest = await OutboxListing.NewestAsync(outbox, 3, CancellationToken.None);

        IReadOnlyDictionary<string, long> first = StorageRequestCounter.Difference(before, counter.Snapshot());
        Assert.Equal(["ticket:29/0000000000000000001-00-c", "ticket:28/0000000000000000001-00-c", "ticket:27/0000000000000000001-00-c"], newest.Select(m => m.Id));
        Assert.Equal((T0.AddMinutes(29), "queued", "Subject 29", "created"), (newest[0].At, newest[0].State, newest[0].Subject, newest[0].Kind));
        Assert.Equal(["jane@example.com"], newest[0].To);
        Assert.Equal("Text.", newest[0].Text);
        // The container's metadata (its mails are listed), then one query of the list; no blob is read.
        Assert.Equal(new Dictionary<string, long> { ["blob GET container"] = 1, ["table GET query"] = 1 }, first);
        before = counter.Snapshot();
        Assert.Equal(newest.Select(m => m.Id), (await OutboxListing.NewestAsync(outbox, 3, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal(new Dictionary<string, long> { ["table GET query"] = 1 }, StorageRequestCounter.Difference(before, counter.Snapshot()));
        IReadOnlyList<OutboxEntry> all = await OutboxListing.NewestAsync(outbox, 100, CancellationToken.None);
        Assert.Equal(30, all.Count);
        Assert.Equal("Subject 3", Assert.Single(all, m => m.Id == "ticket:3/0000000000000000001-00-c").Subject);
    }

    [Fact]
    public async Task Listing_RefusedAndOversizedMails_AreListedInTimeOrder_TheOversizedReadFromItsBlob()
    {
        BlobMailOutbox outbox = await OutboxAsync(new StorageRequestCounter());
        await outbox.SendAsync(Mail("ticket:1/1", T0), CancellationToken.None);
        OutgoingMail refused = Mail("ticket:2/1", T0.AddMinutes(1));
        await outbox.KeepAsync(BlobMailOutbox.RefusedPrefix, refused, new MailDelivery.FailedMail(refused.Id, T0.AddMinutes(2), "550 no such user", 550, refused), CancellationToken.None);
        string longText = new('x', 40_000);
        await outbox.SendAsync(Mail("ticket:3/1", T0.AddMinutes(3)) with { Text = longText }, CancellationToken.None);

        IReadOnlyList<OutboxEntry> newest = await OutboxListing.NewestAsync(outbox, 10, CancellationToken.None);

        Assert.Equal(["ticket:3/1", "ticket:2/1", "ticket:1/1"], newest.Select(m => m.Id));
        Assert.Equal(longText, newest[0].Text);
        Assert.Equal(("failed", "550 no such user", T0.AddMinutes(2)), (newest[1].State, newest[1].Error, newest[1].At));
    }

    [Fact]
    public async Task Listing_ContainerFromBeforeTheList_MovesAndListsItsMailsOnce_InTimeOrderWithTheNewOnes()
    {
        var counter = new StorageRequestCounter();
        BlobMailOutbox outbox = await OutboxAsync(counter, madeBeforeTheList: true);
        // Before mail/ and refused/: a sent mail at the container's root and a refused one under failed/, named by key;
        // a mail under mail/ from before the list; and a blob that is no mail at all.
        await outbox.Container.GetBlobClient("ticket%3A7%2F1.json").UploadIfAbsentAsync(BinaryData.FromObjectAsJson(
            new BlobMailOutbox.OutboxMail("ticket:7/1", T0, null, Mail("ticket:7/1", T0)), Json), "application/json", CancellationToken.None);
        await outbox.Container.GetBlobClient("failed/ticket%3A8%2F1.json").UploadIfAbsentAsync(BinaryData.FromObjectAsJson(
            new MailDelivery.FailedMail("ticket:8/1", T0.AddMinutes(1), "550 no such user", 550, Mail("ticket:8/1", T0)), Json), "application/json", CancellationToken.None);
        string unlisted = BlobMailOutbox.BlobName(BlobMailOutbox.SentPrefix, T0.AddMinutes(4), "ticket:6/1");
        await outbox.Container.GetBlobClient(unlisted).UploadIfAbsentAsync(BinaryData.FromObjectAsJson(
            new BlobMailOutbox.OutboxMail("ticket:6/1", T0.AddMinutes(4), null, Mail("ticket:6/1", T0.AddMinutes(4))), Json), "application/json", CancellationToken.None);
        await outbox.Container.GetBlobClient("notes.txt").UploadIfAbsentAsync(BinaryData.FromString("not a mail"), "text/plain", CancellationToken.None);
        await outbox.SendAsync(Mail("ticket:9/1", T0.AddMinutes(5)), CancellationToken.None);

        IReadOnlyList<OutboxEntry> newest = await OutboxListing.NewestAsync(outbox, 10, CancellationToken.None);

        Assert.Equal(["ticket:9/1", "ticket:6/1", "ticket:8/1", "ticket:7/1"], newest.Select(m => m.Id));
        OutboxEntry refused = Assert.Single(newest, m => m.State == "failed");
        Assert.Equal(("ticket:8/1", "550 no such user"), (refused.Id, refused.Error));
        List<string> names = [];
        await foreach (Azure.Storage.Blobs.Models.BlobItem blob in outbox.Container.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        Assert.Equal(
            [BlobMailOutbox.BlobName(BlobMailOutbox.SentPrefix, T0.AddMinutes(5), "ticket:9/1"), unlisted, BlobMailOutbox.BlobName(BlobMailOutbox.SentPrefix, T0, "ticket:7/1"),
             "notes.txt", BlobMailOutbox.BlobName(BlobMailOutbox.RefusedPrefix, T0.AddMinutes(1), "ticket:8/1")],
            names);
        Assert.Equal("listed", (await outbox.Container.GetPropertiesAsync()).Value.Metadata["outbox"]);

        // Once: the next listing is the one query.
        IReadOnlyDictionary<string, long> before = counter.Snapshot();
        Assert.Equal(newest.Select(m => m.Id), (await OutboxListing.NewestAsync(outbox, 10, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal(new Dictionary<string, long> { ["table GET query"] = 1 }, StorageRequestCounter.Difference(before, counter.Snapshot()));
    }

    private static async Task<BlobMailOutbox> OutboxAsync(StorageRequestCounter counter, bool madeBeforeTheList = false)
    {
        Azurite azurite = await Azurite.SharedAsync();
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [StorageAccounts.Default] = azurite.ConnectionString })
            .Build();
        var outbox = new BlobMailOutbox(new StorageAccounts(configuration, counter), DurableNames.From(new HubOptions { DurableName = Azurite.UniqueName() }));
        // As DurableStorage creates it, or as it was created before its mails were listed.
        await outbox.Container.CreateIfNotExistsAsync(metadata: madeBeforeTheList ? null : BlobMailOutbox.ListedMetadata.ToDictionary());
        await outbox.Table.CreateIfNotExistsAsync();
        return outbox;
    }

    private static OutgoingMail Mail(string id, DateTimeOffset queuedAt) =>
        new(id, "hub@example.org", "Hub", "hub@example.org", ["jane@example.com"], [], "Subject " + id.Split('/')[0].Split(':')[1], "Text.", "<p>Text.</p>",
            new Dictionary<string, string> { ["X-Hub-Kind"] = "created" }, [])
        {
            QueuedAt = queuedAt,
        };
}
