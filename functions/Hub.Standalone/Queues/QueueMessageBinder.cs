using System.Reflection;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using Hub.Standalone.Discovery;

namespace Hub.Standalone.Queues;

/// <summary>Binds a dequeued message to a queue function's parameters as the isolated worker does.</summary>
internal static class QueueMessageBinder
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Func<QueueMessage, CancellationToken, object?>[] For(FunctionDefinition function) =>
        function.Method.GetParameters().Select(p => For(function, p)).ToArray();

    private static Func<QueueMessage, CancellationToken, object?> For(FunctionDefinition function, ParameterInfo parameter)
    {
        Type type = parameter.ParameterType;
        if (type == typeof(CancellationToken))
        {
            return (_, token) => token;
        }

        if (parameter != function.TriggerParameter)
        {
            throw new InvalidOperationException(
                $"Parameter '{parameter.Name}' of function '{function.Name}' cannot be bound by the standalone host: " +
                "queue functions take the message and a CancellationToken.");
        }

        if (type == typeof(string))
        {
            return (message, _) => message.Body.ToString();
        }

        if (type == typeof(BinaryData))
        {
            return (message, _) => message.Body;
        }

        if (type == typeof(byte[]))
        {
            return (message, _) => message.Body.ToArray();
        }

        if (type == typeof(QueueMessage))
        {
            return (message, _) => message;
        }

        return (message, _) => JsonSerializer.Deserialize(message.Body.ToMemory().Span, type, Json);
    }
}
