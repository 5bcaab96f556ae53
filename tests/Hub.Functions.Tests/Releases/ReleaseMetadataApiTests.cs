using System.Net;
using System.Text;
using System.Text.Json;
using Hub.Storage.Blobs;
using Hub.Functions.Tests.Support;
using static Hub.Functions.Tests.Releases.ReleaseKit;

namespace Hub.Functions.Tests.Releases;

/// <summary>PUT /api/releases/{id}/metadata: valid, invalid with line and column, hostile, frozen.</summary>
public sealed class ReleaseMetadataApiTests
{
    private static readonly byte[] Rpm = Encoding.UTF8.GetBytes("rpm");

    [Fact]
    public async Task PutMetadata_Invalid_Answers422WithLineAndColumn()
    {
        await using TestHub hub = await StartAsync();
        long id = await CreateAsync(hub, null);
        string bad = Xml("2.1", "umd-4", new Dictionary<string, byte[]> { ["a.rpm"] = Rpm });

        HttpResponseMessage refused = await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey, bad);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        JsonElement error = problem.RootElement.GetProperty("errors")[0];
        Assert.Equal("release.xml", error.GetProperty("field").GetString());
        // Line 4 is "  <Version>2.1</Version>"; the value is judged at the name in its end tag, column 17.
        Assert.Equal((4, 17), (error.GetProperty("line").GetInt32(), error.GetProperty("column").GetInt32()));
        Assert.Contains("Version", error.GetProperty("rule").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutMetadata_ExternalEntity_Answers422AndNothingIsStored()
    {
        await using TestHub hub = await StartAsync();
        long id = await CreateAsync(hub, null);

        HttpResponseMessage refused = await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey,
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<Release><Name>&x;</Name></Release>");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("DTDs (and so entity declarations) are not allowed", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null((await ReleaseAsync(hub, id)).Metadata);
    }

    [Fact]
    public async Task PutMetadata_FiftyMegabytes_Answers413()
    {
        await using TestHub hub = await StartAsync();
        long id = await CreateAsync(hub, null);
        byte[] huge = new byte[50 * 1024 * 1024];
        huge.AsSpan().Fill((byte)' ');
        Encoding.UTF8.GetBytes("<Release>").CopyTo(huge, 0);

        HttpResponseMessage refused = await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey, huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains("1 MB (1,048,576 bytes)", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutMetadata_AfterSubmitted_Answers409AndTheFrozenCopyStays()
    {
        await using TestHub hub = await StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        sync.Files["a.rpm"] = Rpm;
        long id = await CreateAsync(hub, sync.BaseAddress);
        string dist = "m" + Guid.NewGuid().ToString("N")[..8];
        string first = Xml("1.0.0", "umd-4", new Dictionary<string, byte[]> { ["a.rpm"] = Rpm }, dist: dist);
        await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey, first);
        await MoveAsync(hub, id, "Unverified", ProviderKey);

        HttpResponseMessage late = await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey, Xml("1.0.1", "umd-4", new Dictionary<string, byte[]> { ["a.rpm"] = Rpm }, dist: dist));

        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var repository = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Hub.Functions.Releases.ReleaseRepository>(hub.App.Services);
        BinaryData? frozen = await repository.Blob($"sw/metadata/{id}/release.xml").DownloadContentOrDefaultAsync();
        Assert.Equal(first, frozen!.ToString());
        Assert.Equal("1.0.0", (await ReleaseAsync(hub, id)).Metadata!.Version);
    }
    [Fact]
    public async Task PutMetadata_RefusedUpload_IsNeverWhatFreezes()
    {
        await using TestHub hub = await StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        sync.Files["a.rpm"] = Rpm;
        long id = await CreateAsync(hub, sync.BaseAddress);
        string dist = "r" + Guid.NewGuid().ToString("N")[..8];
        string accepted = Xml("1.0.0", "umd-4", new Dictionary<string, byte[]> { ["a.rpm"] = Rpm }, dist: dist);
        string refusedXml = Xml("6.6.6", "umd-4", new Dictionary<string, byte[]> { ["a.rpm"] = Rpm }, dist: dist);
        HttpResponseMessage ok = await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", ProviderKey, accepted);

        // The SR team may not upload release.xml: the workflow refuses it, and it must not replace the accepted draft.
        HttpResponseMessage refused = await SendAsync(hub, HttpMethod.Put, $"/api/releases/{id}/metadata", SrKey, refusedXml);
        await MoveAsync(hub, id, "Unverified", ProviderKey);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var repository = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Hub.Functions.Releases.ReleaseRepository>(hub.App.Services);
        BinaryData? frozen = await repository.Blob($"sw/metadata/{id}/release.xml").DownloadContentOrDefaultAsync();
        Assert.Equal(accepted, frozen!.ToString());
        Assert.Equal("1.0.0", (await ReleaseAsync(hub, id)).Metadata!.Version);
        Assert.Equal([$"sw/metadata/{id}/draft-{Sha(Encoding.UTF8.GetBytes(accepted))}.xml", $"sw/metadata/{id}/release.xml"],
            (await BlobsAsync(hub, $"sw/metadata/{id}/")).Order(StringComparer.Ordinal));
    }
}
