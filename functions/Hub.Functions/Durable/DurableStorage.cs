using Hub.Storage.Durable;

namespace Hub.Functions.Durable;

/// <summary>
/// Creates the durable runtime's tables (hub, release metrics), queues and containers (spill, attachments, mail outbox,
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
                await new Hub.Storage.Queues.QueueClient(accounts.Get(), names.PoisonQueue).CreateIfNotExistsAsync(cancellationToken);
                await new Hub.Storage.Blobs.BlobContainerClient(accounts.Get(), names.AttachmentsContainer).CreateIfNotExistsAsync(cancellationToken);
                await new Hub.Storage.Blobs.BlobContainerClient(accounts.Get(), names.OutboxContainer).CreateIfNotExistsAsync(cancellationToken);
                await new Hub.Storage.Blobs.BlobContainerClient(accounts.Get(), names.RepositoryContainer).CreateIfNotExistsAsync(cancellationToken);
                await new Hub.Storage.Tables.TableClient(accounts.Get(), names.MetricsTable).CreateIfNotExistsAsync(cancellationToken);
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
