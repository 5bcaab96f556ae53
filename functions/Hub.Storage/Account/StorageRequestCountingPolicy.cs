using Azure.Core;
using Azure.Core.Pipeline;

namespace Hub.Storage.Account;

/// <summary>Feeds a <see cref="StorageRequestCounter"/>; added per retry to the SDK clients, so retries count too.</summary>
internal sealed class StorageRequestCountingPolicy(StorageRequestCounter counter, StorageService service) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message) => counter.Count(service, message.Request);
}
