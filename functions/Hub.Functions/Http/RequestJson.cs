using System.Text.Json;
using Hub.Functions.Intake;
using Hub.Functions.Security;
using Microsoft.Extensions.Options;

namespace Hub.Functions.Http;

/// <summary>
/// Reads a JSON request body for an HTTP function: 415 unless the content type is JSON, 413 past the limit, 400 for
/// an empty body, a body that is not UTF-8, or JSON that does not parse or does not fit the type, all as RFC 9457
/// problems; every value of the wrong kind is listed at once with its JSON path and rule (<see cref="JsonShape"/>). The serializer options are the application's (the same ones its answers use).
/// </summary>
public static class RequestJson
{
    /// <summary>
    /// The hub's HTTP JSON options on both hosts, on top of the web defaults: every enum in a body or an answer is its
    /// name (<c>"classification": "Alert"</c>), and a number is refused, as it would silently mean whatever member has
    /// that value. This converter takes precedence over the ones on the enum types (which allow numbers); stored state
    /// keeps its own options.
    /// </summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(allowIntegerValues: false));
    }

    /// <summary>The documented limit of a JSON body on the API routes (1 MB).</summary>
    public const long DefaultLimit = 1024 * 1024;

    public static async Task<JsonBody<T>> ReadAsync<T>(HttpRequest request, CancellationToken ct, long limit = DefaultLimit)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasJsonContentType())
        {
            return new JsonBody<T>(null, TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                detail: $"Send the body as application/json, not '{(string.IsNullOrEmpty(request.ContentType) ? "(none)" : request.ContentType)}'."));
        }

        BodyReadResult body = await RequestBody.ReadAsync(request, limit, ct);
        if (body.IsTooLarge)
        {
            return new JsonBody<T>(null, body.ToProblem());
        }

        if (body.Body.IsEmpty)
        {
            return new JsonBody<T>(null, BadJson("$", "required", "The request needs a JSON body."));
        }

        if (!System.Text.Unicode.Utf8.IsValid(body.Body.Span))
        {
            return new JsonBody<T>(null, BadJson("$", "utf-8", "The body is not valid UTF-8; JSON must be sent as UTF-8 (RFC 8259)."));
        }

        JsonSerializerOptions options = request.HttpContext.RequestServices
            .GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.Body, new JsonDocumentOptions { MaxDepth = options.MaxDepth, AllowTrailingCommas = options.AllowTrailingCommas });
        }
        catch (JsonException ex)
        {
            // The parser's message names a line and a byte, never a type of the hub's.
            return new JsonBody<T>(null, BadJson([new(ex.Path ?? "$", "json")], $"The body is not JSON: {ex.Message}"));
        }

        using (document)
        {
            if (document.RootElement.ValueKind == JsonValueKind.Null)
            {
                return new JsonBody<T>(null, BadJson([new("$", "object")], "The body is JSON null; send an object."));
            }

            IReadOnlyList<IntakeProblems.FieldError> errors = JsonShape.Check(document.RootElement, typeof(T), options);
            if (errors.Count > 0)
            {
                return new JsonBody<T>(null, BadJson(errors, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Rule}"))));
            }

            try
            {
                return document.Deserialize<T>(options) is { } value
                    ? new JsonBody<T>(value, null) { Raw = body.Body }
                    : new JsonBody<T>(null, BadJson([new("$", "object")], "The body is JSON null; send an object."));
            }
            catch (JsonException ex)
            {
                // What the shape check leaves to a converter; the serializer's message would name the hub's types.
                string path = ex.Path ?? "$";
                return new JsonBody<T>(null, BadJson([new(path, "json")], $"{path}: the value does not fit the request."));
            }
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult BadJson(string path, string rule, string detail) => BadJson([new(path, rule)], detail);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult BadJson(IReadOnlyList<IntakeProblems.FieldError> errors, string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "Malformed JSON body",
        detail: detail,
        type: "https://integration-hub/problems/malformed-json",
        extensions: new Dictionary<string, object?> { ["errors"] = errors });
}

/// <summary>A JSON body read by <see cref="RequestJson"/>: the value, or the problem to answer instead.</summary>
public readonly record struct JsonBody<T>(T? Value, IResult? Problem)
    where T : class
{
    /// <summary>The bytes the value was read from, exactly as sent (what an <c>Idempotency-Key</c> is checked against).</summary>
    public ReadOnlyMemory<byte> Raw { get; init; }
}
