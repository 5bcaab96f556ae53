using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hub.Functions.Tests.Support;

/// <summary>
/// A local SendGrid v3 Mail Send endpoint (real Kestrel, free port) implementing the documented contract: bearer API
/// key (401 otherwise), JSON body with personalizations[].to, from.email, subject, content (text/plain first) — 400 with
/// SendGrid's <c>{"errors":[{message, field}]}</c> when the shape is wrong — and 202 with X-Message-Id when accepted.
/// Tests can queue failure answers (429/5xx/4xx) that are served before the normal behaviour.
/// </summary>
internal sealed class FakeSendGrid : IAsyncDisposable
{
    public const string ApiKey = "SG.test-key";

    private readonly WebApplication _app;

    private FakeSendGrid(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Every request as received (accepted or not), body parsed.</summary>
    public ConcurrentQueue<JsonElement> Requests { get; } = new();

    /// <summary>Accepted mails only.</summary>
    public ConcurrentQueue<JsonElement> Accepted { get; } = new();

    /// <summary>Answers served, in order, before the normal behaviour: status and an optional body.</summary>
    public ConcurrentQueue<(int Status, string? Body, string? RetryAfter)> Script { get; } = new();

    public static async Task<FakeSendGrid> StartAsync()
    {
        int port = Azurite.FreePort();
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        WebApplication app = builder.Build();
        var fake = new FakeSendGrid(app, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
        app.MapPost("/v3/mail/send", (Func<HttpContext, Task<IResult>>)fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    private async Task<IResult> HandleAsync(HttpContext http)
    {
        using JsonDocument document = await JsonDocument.ParseAsync(http.Request.Body);
        JsonElement body = document.RootElement.Clone();
        Requests.Enqueue(body);
        if (http.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
        {
            return Errors(401, "The provided authorization grant is invalid, expired, or revoked", null);
        }

        if (Script.TryDequeue(out var scripted))
        {
            if (scripted.RetryAfter is not null)
            {
                http.Response.Headers.RetryAfter = scripted.RetryAfter;
            }

            return Results.Text(scripted.Body ?? "", "application/json", statusCode: scripted.Status);
        }

        if (Validate(body) is { } problem)
        {
            return Errors(400, problem.Message, problem.Field);
        }

        Accepted.Enqueue(body);
        http.Response.Headers["X-Message-Id"] = Guid.NewGuid().ToString("N");
        return Results.StatusCode(202);
    }

    private static (string Message, string Field)? Validate(JsonElement body)
    {
        if (!body.TryGetProperty("personalizations", out JsonElement p) || p.GetArrayLength() == 0
            || !p[0].TryGetProperty("to", out JsonElement to) || to.GetArrayLength() == 0)
        {
            return ("The to array is required for all personalization objects, and must have at least one email object with a valid email address.", "personalizations.0.to");
        }

        if (!body.TryGetProperty("from", out JsonElement from) || !from.TryGetProperty("email", out _))
        {
            return ("The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.", "from");
        }

        if (!body.TryGetProperty("subject", out JsonElement subject) || subject.GetString() is not { Length: > 0 })
        {
            return ("The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.", "subject");
        }

        if (!body.TryGetProperty("content", out JsonElement content) || content.GetArrayLength() == 0 || content[0].GetProperty("type").GetString() != "text/plain")
        {
            return ("The text/plain content type must be first in the content array.", "content");
        }

        return null;
    }

    private static IResult Errors(int status, string message, string? field) =>
        Results.Json(new { errors = new[] { new { message, field, help = (string?)null } } }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
