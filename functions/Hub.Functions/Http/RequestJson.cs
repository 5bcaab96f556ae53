using System.Text.Json;
using Hub.Functions.Intake;
using Hub.Functions.Security;
using Microsoft.Extensions.Options;

namespace Hub.Functions.Http;

/// <summary>
/// Reads a JSON request body for an HTTP function: 415 unless the content type is JSON, 413 past the limit, 400 for
/// an empty body, a body that is not UTF-8, or JSON that does not parse or does not fit the type (naming the JSON path), all as RFC 9457
/// problems. The serializer options are the application's (the same ones its answers use).
/// </summary>
public static class RequestJson
{
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
        try
        {
            return JsonSerializer.Deserialize<T>(body.Body.Span, options) is { } value
                ? new JsonBody<T>(value, null)
                : new JsonBody<T>(null, BadJson("$", "type", "The body is JSON null; send an object."));
        }
        catch (JsonException ex)
        {
            return new JsonBody<T>(null, BadJson(ex.Path ?? "$", "json", ex.Message));
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult BadJson(string path, string rule, string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "Malformed JSON body",
        detail: detail,
        type: "https://integration-hub/problems/malformed-json",
        extensions: new Dictionary<string, object?> { ["errors"] = new[] { new IntakeProblems.FieldError(path, rule) } });
}

/// <summary>A JSON body read by <see cref="RequestJson"/>: the value, or the problem to answer instead.</summary>
public readonly record struct JsonBody<T>(T? Value, IResult? Problem)
    where T : class;
