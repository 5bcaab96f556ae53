using Azure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Hub.Functions.Hosting;

/// <summary>
/// Turns unhandled exceptions into RFC 9457 problem details without stack traces. Storage that is down or slow
/// (5xx, timeouts, transport failures) becomes 503 with Retry-After, so webhook senders retry instead of giving up.
/// </summary>
public sealed class StorageExceptionHandler(IProblemDetailsService problems, ILogger<StorageExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ProblemDetails problem = Describe(httpContext, exception);

        // The exception middleware has already logged it; this line says what the caller was told.
        logger.LogWarning("Answered {Status} for {Method} {Path}", problem.Status, httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "30";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = null });
    }

    /// <summary>
    /// The request's trace id as the problem details service writes it into every problem (the W3C id of the current
    /// activity, else the connection's request id), so the answer and the log name the same id.
    /// </summary>
    public static string TraceId(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return System.Diagnostics.Activity.Current?.Id ?? httpContext.TraceIdentifier;
    }

    /// <summary>
    /// The problem an exception answers: 503 when storage is down or slow (5xx, timeouts, transport failures, the
    /// SDKs' spent retries), else 500; both carry the request's trace id and no stack trace.
    /// </summary>
    public static ProblemDetails Describe(HttpContext httpContext, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        bool unavailable = Unavailable(exception, httpContext);
        var problem = new ProblemDetails
        {
            Status = unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
            Title = unavailable ? "Storage unavailable" : "Unexpected error",
            Detail = unavailable
                ? "A storage service did not answer in time or failed; retry later."
                : "The request failed unexpectedly; the error is logged with this trace id.",
        };
        problem.Extensions["traceId"] = TraceId(httpContext);
        if (((exception as AggregateException)?.InnerExceptions.LastOrDefault() ?? exception) is RequestFailedException storage)
        {
            problem.Extensions["storageStatus"] = storage.Status;
            problem.Extensions["storageErrorCode"] = storage.ErrorCode;
        }

        return problem;
    }

    // The SDKs' retry policy, once its retries are spent on transport failures, throws an AggregateException of them;
    // a connection cut while a response is read (storage shutting down) is an IOException the SDK retries but does
    // not wrap, so it comes out raw or among the aggregate's.
    private static bool Unavailable(Exception exception, HttpContext httpContext) => exception switch
    {
        RequestFailedException { Status: 0 or 408 or 429 or >= 500 } => true,
        TimeoutException => true,
        System.IO.IOException or System.Net.Http.HttpRequestException or System.Net.Sockets.SocketException => true,
        OperationCanceledException when !httpContext.RequestAborted.IsCancellationRequested => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(e => Unavailable(e, httpContext)),
        _ => false,
    };
}
