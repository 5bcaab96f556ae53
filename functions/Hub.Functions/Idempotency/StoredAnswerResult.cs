using System.Text;

namespace Hub.Functions.Idempotency;

/// <summary>Writes a create's answer exactly as kept for its key: status, Location, JSON body, and whether it is a replay.</summary>
internal sealed class StoredAnswerResult(int status, string? location, string? body, bool replayed) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        HttpResponse response = httpContext.Response;
        response.StatusCode = status;
        if (location is not null)
        {
            response.Headers.Location = location;
        }

        if (replayed)
        {
            response.Headers[IdempotentCreates.ReplayedHeader] = "true";
        }

        if (body is not null)
        {
            response.ContentType = "application/json; charset=utf-8";
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(body), httpContext.RequestAborted);
        }
    }
}
