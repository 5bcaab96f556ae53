using Hub.Functions.Hosting;

namespace Hub.Functions.Durable;

/// <summary>The storage names the durable runtime uses, all derived from Hub__DurableName (default "hub").</summary>
public sealed record DurableNames(string Table, string WorkQueue, string PoisonQueue, string SpillContainer)
{
    /// <summary>Ticket and mail attachments, named by the SHA-256 of their content.</summary>
    public string AttachmentsContainer => Table + "-attachments";

    /// <summary>Queued notification mails, one blob per outbox row.</summary>
    public string OutboxContainer => Table + "-outbox";

    public static DurableNames From(HubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string name = options.DurableName;
        return new DurableNames(name, $"{name}-work", $"{name}-work-poison", $"{name}-spill");
    }
}
