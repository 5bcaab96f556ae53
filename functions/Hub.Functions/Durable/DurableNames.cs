using Hub.Functions.Hosting;

namespace Hub.Functions.Durable;

/// <summary>The storage names the durable runtime uses, all derived from Hub__DurableName (default "hub").</summary>
public sealed record DurableNames(string Table, string WorkQueue, string PoisonQueue, string SpillContainer)
{
    /// <summary>Ticket and mail attachments, named by the SHA-256 of their content.</summary>
    public string AttachmentsContainer => Table + "-attachments";

    /// <summary>Queued notification mails, one blob per outbox row.</summary>
    public string OutboxContainer => Table + "-outbox";

    /// <summary>The outbox container's list: a row per mail blob, newest first (BlobMailOutbox).</summary>
    public string OutboxTable => Table + "outbox";

    /// <summary>The software repository of the release workflow (areas sw/unverified, sw/stagerollout, sw/production).</summary>
    public string RepositoryContainer => Table + "-repo";

    /// <summary>Monthly release metrics, one row per (month, release).</summary>
    public string MetricsTable => Table + "metrics";

    /// <summary>One row per (caller, Idempotency-Key) of the API's creates, kept for the retention window.</summary>
    public string IdempotencyTable => Table + "idempotency";

    public static DurableNames From(HubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string name = options.DurableName;
        return new DurableNames(name, $"{name}-work", $"{name}-work-poison", $"{name}-spill");
    }
}
