using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Hub.Storage.Account;

/// <summary>Stamps x-ms-date and x-ms-version on every try, before the request is signed.</summary>
internal sealed class StorageHeadersPolicy(StorageService service, TimeProvider clock) : HttpPipelineSynchronousPolicy
{
    // Versions Azurite 3.35 and the cloud both accept. Table keeps its long-stable version.
    internal const string BlobQueueVersion = "2025-01-05";
    internal const string TableVersion = "2019-02-02";

    public override void OnSendingRequest(HttpMessage message)
    {
        message.Request.Headers.SetValue("x-ms-date", clock.GetUtcNow().ToString("R", CultureInfo.InvariantCulture));
        message.Request.Headers.SetValue("x-ms-version", service == StorageService.Table ? TableVersion : BlobQueueVersion);
    }
}
