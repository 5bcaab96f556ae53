using Hub.Standalone.Discovery;

namespace Hub.Standalone.Queues;

/// <summary>A queue function with its queue name and connection resolved from app settings.</summary>
internal sealed record QueueFunction(FunctionDefinition Definition, string QueueName, string ConnectionString);
