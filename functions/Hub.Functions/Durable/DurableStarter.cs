using Hub.Storage.Durable;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Hub.Functions.Durable;

/// <summary>
/// Starts orchestrations through the Durable Task client a function was given (<c>[DurableClient]</c>). An instance
/// id that exists already, running or finished, is not started again: the durable engine would run a finished one
/// once more, and every caller here means "make sure it runs once".
/// </summary>
public sealed class DurableStarter(DurableTaskClient client) : IOrchestrationStarter
{
    public async Task<bool> StartAsync(string orchestrator, string instanceId, object input, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(
            new TaskName(orchestrator), input, new StartOrchestrationOptions(InstanceId: instanceId), cancellationToken).ConfigureAwait(false);
        return true;
    }
}
