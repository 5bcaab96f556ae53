using System.Reflection;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using Hub.Standalone.Discovery;

namespace Hub.Standalone.Queues;

/// <summary>Binds a dequeued message to a queue function's parameters as the isolated worker does.</summary>
internal static class QueueMessageBinder
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Func<QueueMessage, IServiceProvider, CancellationToken, object?>[] For(FunctionDefinition function) =>
        function.Method.GetParameters().Select(p => For(function, p)).ToArray();

    private static Func<QueueMessage, IServiceProvider, CancellationToken, object?> For(FunctionDefinition function, ParameterInfo parameter)
    {
        Type type = parameter.ParameterType;
        if (type == typeof(CancellationToken))
        {
            return (_, _, token) => token;
        }

        if (Invocation.DurableClientBinding.Is(parameter))
        {
            return (_, services, _) => Invocation.DurableClientBinding.Resolve(services);
        }

        if (!function.IsTrigger(parameter))
        {
            throw new InvalidOperationException(
                $"Parameter '{parameter.Name}' of function '{function.Name}' cannot be bound by the standalone host: " +
                "queue functions take the message, [DurableClient] and a CancellationToken.");
        }

        if (type == typeof(string))
        {
            return (message, _, _) => message.Body.ToString();
        }

        if (type == typeof(BinaryData))
        {
            return (message, _, _) => message.Body;
        }

        if (type == typeof(byte[]))
        {
            return (message, _, _) => message.Body.ToArray();
        }

        if (type == typeof(QueueMessage))
        {
            return (message, _, _) => message;
        }

        return (message, _, _) => JsonSerializer.Deserialize(message.Body.ToMemory().Span, type, Json);
    }
}
