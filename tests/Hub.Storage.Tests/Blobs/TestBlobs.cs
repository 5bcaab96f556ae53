using Azure.Storage.Blobs;
using Hub.Testing;

namespace Hub.Storage.Tests.Blobs;

/// <summary>A fresh, empty container on the shared Azurite for each test.</summary>
internal static class TestBlobs
{
    public static async Task<BlobContainerClient> CreateContainerAsync()
    {
        Azurite azurite = await Azurite.SharedAsync();
        BlobContainerClient container = azurite.Account().GetBlobContainerClient(Azurite.UniqueName("c"));
        await container.CreateIfNotExistsAsync();
        return container;
    }
}
