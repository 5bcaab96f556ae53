using Hub.Storage.Durable;

namespace Hub.Functions.Durable;

/// <summary>
/// Creates the durable runtime's tables (hub, release metrics, idempotency keys), queues and containers (spill, attachments, mail outbox,
/// release repository) once per process, on first use rather than at start, so
/// an unreachable storage account makes requests answer 503 instead of stopping the hub.
/// </summary>
public sealed class DurableStorage(AggregateStore store, WorkQueue work, DurableNames names, Hosting.StorageAccounts accounts) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_ready)
            {
                await store.InitializeAsync(cancellationToken);
                await work.InitializeAsync(cancellationToken);
                await accounts.Get().GetQueueClient(names.PoisonQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await accounts.Get().GetBlobContainerClient(names.AttachmentsContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await accounts.Get().GetBlobContainerClient(names.OutboxContainer).CreateIfNotExistsAsync(
                    metadata: Notifications.BlobMailOutbox.ListedMetadata.ToDictionary(), cancellationToken: cancellationToken);
                await accounts.Get().GetBlobContainerClient(names.RepositoryContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await accounts.Get().GetTableClient(names.MetricsTable).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await accounts.Get().GetTableClient(names.IdempotencyTable).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await accounts.Get().GetTableClient(names.OutboxTable).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                _ready = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
