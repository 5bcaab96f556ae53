using System.Net.Http.Headers;
using System.Text.Json;
using Hub.Domain.Security;
using Hub.Domain.Sites;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hub.Agent;

/// <summary>
/// <c>POST /steps</c> (docs/agent.md): checks the hub's Standard Webhooks signature and that the webhook id is new,
/// reads the step, runs it (once per step id) and answers the signed result; or, when the command has not ended
/// within <see cref="AgentSettings.AnswerWithin"/> and the hub gave a callback URL, answers 202 and posts the signed
/// result there when it ends.
/// </summary>
public sealed class StepEndpoint(AgentSettings settings, StepStore store, StepRunner runner, CallbackSender callbacks, TimeProvider clock)
{
    private const int MaxBody = 64 * 1024;

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] body;
        using (var buffer = new MemoryStream())
        {
            await request.Body.CopyToAsync(buffer, ct);
            body = buffer.ToArray();
        }

        if (body.Length > MaxBody)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Step too large", $"A step is at most {MaxBody} bytes.");
        }

        string? id = Single(request.Headers[StandardWebhooks.IdHeader]);
        if (StandardWebhooks.Refusal([settings.Key], id, Single(request.Headers[StandardWebhooks.TimestampHeader]), request.Headers[StandardWebhooks.SignatureHeader], body, clock.GetUtcNow()) is { } refusal)
        {
            return Problem(StatusCodes.Status401Unauthorized, "Not signed by the hub", $"The step is not signed with this agent's secret: {refusal}.");
        }

        if (!store.TryClaim(id!))
        {
            return Problem(StatusCodes.Status401Unauthorized, "Replayed", $"webhook-id {id} was seen before: a step is sent again under a new webhook id.");
        }

        (AgentStepRequest? step, List<FieldError> errors) = Parse(body);
        if (step is null)
        {
            return Invalid("The step is not one this agent can read.", errors);
        }

        if (!settings.Services.TryGetValue(step.Service, out AgentService? service))
        {
            return Invalid($"This agent does not run service '{step.Service}'.",
                [new("service", $"unknown here; this agent runs {string.Join(", ", settings.Services.Keys.Order(StringComparer.Ordinal))}")]);
        }

        if (!service.Commands.ContainsKey(step.Command))
        {
            return Invalid($"Service '{service.Name}' has no {Lower(step.Command)} command here.",
                [new("command", $"{Lower(step.Command)} is not configured for {service.Name} (Agent__Services__{service.Name}__{Lower(step.Command)}); it has {string.Join(", ", service.Commands.Keys.Select(Lower))}")]);
        }

        if (runner.Run(step, service) is not { } running)
        {
            return Invalid($"Step id {step.StepId} was run for another request.", [new("stepId", "already used for another run, service, node or command: a step id names one step")]);
        }

        Task finished = step.CallbackUrl is null ? running : await Task.WhenAny(running, Task.Delay(settings.AnswerWithin, clock, ct));
        if (finished != running)
        {
            callbacks.SendWhenDone(step, running);
            return Signed(StatusCodes.Status202Accepted, JsonSerializer.SerializeToUtf8Bytes(new { step.StepId, status = "running", callbackUrl = step.CallbackUrl }, AgentProtocol.Json));
        }

        return Signed(StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(await running, AgentProtocol.Json));
    }

    private SignedResult Signed(int status, byte[] body)
    {
        (string id, string timestamp, string signature) = StandardWebhooks.Headers(settings.Key, $"msg_{Guid.NewGuid():N}", clock.GetUtcNow(), body);
        return new SignedResult(status, body, id, timestamp, signature);
    }

    private static (AgentStepRequest? Step, List<FieldError> Errors) Parse(byte[] body)
    {
        var errors = new List<FieldError>();
        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return (null, [new("$", $"must be JSON: {e.Message}")]);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, [new("$", "must be a JSON object")]);
        }

        foreach (string field in new[] { "runId", "stepId", "site", "service", "node", "tier", "command" })
        {
            if (!root.TryGetProperty(field, out JsonElement value) || value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
            {
                errors.Add(new(field, "required: a non-empty string"));
            }
        }

        if (root.TryGetProperty("command", out JsonElement command) && command.ValueKind == JsonValueKind.String
            && !(Enum.TryParse(command.GetString(), ignoreCase: true, out StepCommand parsed) && Enum.IsDefined(parsed) && !int.TryParse(command.GetString(), out _)))
        {
            errors.Add(new("command", $"must be one of {string.Join(", ", Enum.GetNames<StepCommand>().Select(n => n.ToLowerInvariant()))}"));
        }

        if (!root.TryGetProperty("timeoutSeconds", out JsonElement timeout) || timeout.ValueKind != JsonValueKind.Number || !timeout.TryGetInt32(out int seconds) || seconds < 1)
        {
            errors.Add(new("timeoutSeconds", "required: a whole number of seconds, 1 or more"));
        }

        if (root.TryGetProperty("callbackUrl", out JsonElement callback) && callback.ValueKind != JsonValueKind.Null
            && !(callback.ValueKind == JsonValueKind.String && Uri.TryCreate(callback.GetString(), UriKind.Absolute, out Uri? url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
        {
            errors.Add(new("callbackUrl", "must be an absolute http(s) URL"));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (root.Deserialize<AgentStepRequest>(AgentProtocol.Json), errors);
    }

    private static string Lower(StepCommand command) => command.ToString().ToLowerInvariant();

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 1 ? values[0] : null;

    private static ProblemHttpResult Invalid(string detail, List<FieldError> errors) => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity, title: "Step refused", detail: detail,
        extensions: new Dictionary<string, object?> { ["errors"] = errors });

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>One rule a field breaks, as the hub's own problems list them.</summary>
    public sealed record FieldError(string Field, string Rule);

    /// <summary>An answer whose body is signed: the hub believes nothing unsigned.</summary>
    private sealed class SignedResult(int status, byte[] body, string id, string timestamp, string signature) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            HttpResponse response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = new MediaTypeHeaderValue("application/json").ToString();
            response.Headers[StandardWebhooks.IdHeader] = id;
            response.Headers[StandardWebhooks.TimestampHeader] = timestamp;
            response.Headers[StandardWebhooks.SignatureHeader] = signature;
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body);
        }
    }
}
