using Azure;
using Azure.Core;
using Hub.Storage.Account;
using Hub.Testing;

namespace Hub.Storage.Tests.Account;

public sealed class SmokeTests
{
    [Theory]
    [InlineData(StorageService.Blob, "?comp=list")]
    [InlineData(StorageService.Queue, "?comp=list")]
    [InlineData(StorageService.Table, "/Tables")]
    public async Task Pipeline_SignedListRequest_Succeeds(StorageService service, string path)
    {
        Azurite azurite = await Azurite.SharedAsync();
        StorageAccount account = azurite.Account();
        var pipeline = account.Pipeline(service);
        using HttpMessage message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(account.Endpoint(service) + path));
        message.Request.Headers.SetValue("Accept", "application/json;odata=nometadata");

        await pipeline.SendAsync(message, default);

        Assert.True(message.Response.Status == 200, message.Response.Content.ToString());
    }

    [Fact]
    public async Task Pipeline_TableSignedWithSharedKeyLite_Succeeds()
    {
        Azurite azurite = await Azurite.SharedAsync();
        StorageAccount account = azurite.Account(new StorageClientOptions { UseSharedKeyLiteForTables = true });
        var pipeline = account.Pipeline(StorageService.Table);
        using HttpMessage message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(account.Endpoint(StorageService.Table) + "/Tables"));
        message.Request.Headers.SetValue("Accept", "application/json;odata=nometadata");

        await pipeline.SendAsync(message, default);

        Assert.Equal(200, message.Response.Status);
        Assert.StartsWith("SharedKeyLite devstoreaccount1:", message.Request.Headers.TryGetValue("Authorization", out string? auth) ? auth : "", StringComparison.Ordinal);
    }
}
