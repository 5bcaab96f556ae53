using Hub.Functions.Hosting;

namespace Hub.Functions.Durable;

/// <summary>The storage names the durable runtime uses, all derived from Hub__DurableName (default "hub").</summary>
public sealed record DurableNames(string Table, string WorkQueue, string PoisonQueue, string SpillContainer)
{
    public static DurableNames From(HubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string name = options.DurableName;
        return new DurableNames(name, $"{name}-work", $"{name}-work-poison", $"{name}-spill");
    }
}
