using System.Globalization;
using Hub.Functions.Intake;

namespace Hub.Functions.Idempotency;

/// <summary>The RFC 9457 problems of the <c>Idempotency-Key</c> header: each names the header and the rule.</summary>
internal static class IdempotencyProblems
{
    public const string Rule = "1-255 printable ASCII characters (space to ~), sent once";

    public static IResult Malformed(string detail) => Problem(
        StatusCodes.Status400BadRequest, "Invalid Idempotency-Key header", detail, "https://integration-hub/problems/invalid-idempotency-key", Rule);

    public static IResult Reused(string key, TimeSpan retention) => Problem(
        StatusCodes.Status422UnprocessableEntity,
        "Idempotency-Key reused",
        $"The Idempotency-Key '{key}' was first sent with another request (method, path or body) within the last {Describe(retention)}; "
            + "a key stands for one request: send a new key for a new request.",
        "https://integration-hub/problems/idempotency-key-reused",
        "the same key must come with the same method, path and body");

    public static IResult InFlight(HttpContext http, string key, TimeSpan retryAfter)
    {
        int seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problem(
            StatusCodes.Status409Conflict,
            "Request with this Idempotency-Key in progress",
            $"The request with Idempotency-Key '{key}' is still being carried out; retry it after {seconds} s to get its answer.",
            "https://integration-hub/problems/idempotency-key-in-flight",
            "one request per key at a time");
    }

    internal static string Describe(TimeSpan window) =>
        window.TotalHours >= 1 && window.TotalHours % 1 == 0 ? $"{window.TotalHours.ToString(CultureInfo.InvariantCulture)} h"
        : $"{window.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min";

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Problem(int status, string title, string detail, string type, string rule) => TypedResults.Problem(
        statusCode: status,
        title: title,
        detail: detail,
        type: type,
        extensions: new Dictionary<string, object?> { ["errors"] = new[] { new IntakeProblems.FieldError(IdempotentCreates.Header, rule) } });
}
