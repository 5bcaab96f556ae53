using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hub.Functions.Tests.Support;

/// <summary>
/// A Request Tracker REST2 server on real Kestrel, on a free loopback port, implementing the documented endpoints the
/// hub uses (https://docs.bestpractical.com/rt/5.0.0/RT/REST2.html): token authentication
/// (<c>Authorization: token ...</c>, else 401), <c>POST /REST/2.0/ticket</c> (201 with id and _url),
/// <c>GET|PUT /REST/2.0/ticket/{id}</c>, <c>POST /REST/2.0/ticket/{id}/comment</c> and
/// <c>/correspond</c>, and <c>GET /REST/2.0/tickets?query=</c> for the TicketSQL <c>RefersTo = '...'</c>. Unknown
/// tickets are 404, bad JSON or a missing Queue/Subject 400, each with RT's <c>{"message": ...}</c> body. Every
/// request is recorded; failures and slowness can be injected.
/// </summary>
internal sealed partial class FakeRt : IAsyncDisposable
{
    public const string Token = "1-14-rt-test-token";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RtRequest> _requests = new();
    private readonly ConcurrentDictionary<string, RtTicket> _tickets = new();
    private readonly ConcurrentQueue<(int Status, string Message, int? RetryAfter, string? Method)> _failures = new();
    private readonly Lock _gate = new();
    private int _nextId;

    private FakeRt(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IReadOnlyList<RtRequest> Requests => [.. _requests];

    public IReadOnlyCollection<RtTicket> Tickets => [.. _tickets.Values.OrderBy(t => int.Parse(t.Id, CultureInfo.InvariantCulture))];

    /// <summary>While set, every request is accepted and read but never answered (a hung server); set it back and the
    /// requests that follow are answered as usual.</summary>
    public bool Hanging { get; set; }

    /// <summary>How long every answer is held back (RT under concurrent writes can take over 10 s).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>How long the answer to a create is held back after the ticket was made: a caller that gives up first
    /// does not know the create happened.</summary>
    public TimeSpan CreateAnswerDelay { get; set; }

    /// <summary>
    /// The next <paramref name="times"/> requests (of <paramref name="method"/> only, when given) are answered with
    /// <paramref name="status"/> and do nothing.
    /// </summary>
    public void FailNext(int status, int times = 1, string message = "injected failure", int? retryAfterSeconds = null, string? method = null)
    {
        for (int i = 0; i < times; i++)
        {
            _failures.Enqueue((status, message, retryAfterSeconds, method));
        }
    }

    /// <summary>A ticket that exists before the test, as if created in RT by hand.</summary>
    public RtTicket Seed(string queue, string subject, string status = "open")
    {
        var ticket = new RtTicket(NextId(), queue, subject, "", status);
        _tickets[ticket.Id] = ticket;
        return ticket;
    }

    public RtTicket? Ticket(string id) => _tickets.GetValueOrDefault(id);

    public static async Task<FakeRt> StartAsync()
    {
        string url = $"http://127.0.0.1:{Azurite.FreePort().ToString(CultureInfo.InvariantCulture)}";
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        WebApplication app = builder.Build();
        var rt = new FakeRt(app, new Uri(url));
        app.Run(rt.HandleAsync);
        await app.StartAsync();
        return rt;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static readonly System.Text.Json.JsonSerializerOptions RtJson = new();

    private async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        string body = await new StreamReader(request.Body).ReadToEndAsync(context.RequestAborted);
        _requests.Enqueue(new RtRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", request.Headers.Authorization.ToString(), request.ContentType, body));
        if (Hanging)
        {
            // Accepted and read, never answered, never acted on: the caller can only give up (and abort it).
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
        }

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted);
        }

        bool failing = _failures.TryPeek(out var failure) && (failure.Method is null || failure.Method == request.Method) && _failures.TryDequeue(out failure);
        if (failing && failure.RetryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        (int status, object answer) = failing
            ? (failure.Status, new { message = failure.Message })
            : request.Headers.Authorization.ToString() != "token " + Token
                ? (401, new { message = "Unauthorized" })
                : Route(request.Method, request.Path.Value ?? "", request.Query["query"].ToString(), body);
        if (CreateAnswerDelay > TimeSpan.Zero && status == 201 && request.Path.Value == "/REST/2.0/ticket")
        {
            await Task.Delay(CreateAnswerDelay, context.RequestAborted);
        }

        context.Response.StatusCode = status;
        // Property names as written (RT's REST2 spells its ticket fields Status, CustomFields), not ASP.NET's camelCase.
        await context.Response.WriteAsJsonAsync(answer, answer.GetType(), RtJson, context.RequestAborted);
    }

    private (int, object) Route(string method, string path, string query, string body)
    {
        if (method == "POST" && path == "/REST/2.0/ticket")
        {
            return Create(body);
        }

        if (method == "GET" && path == "/REST/2.0/tickets")
        {
            return Search(query);
        }

        Match match = TicketPath().Match(path);
        if (!match.Success)
        {
            return (404, new { message = "Resource does not exist" });
        }

        if (!_tickets.TryGetValue(match.Groups["id"].Value, out RtTicket? ticket))
        {
            return (404, new { message = "Resource does not exist" });
        }

        string action = match.Groups["action"].Value;
        return (method, action) switch
        {
            ("GET", "") => (200, Describe(ticket)),
            ("PUT", "") => Update(ticket, body),
            ("POST", "comment" or "correspond") => AddMessage(ticket, action, body),
            _ => (405, new { message = "Method not allowed" }),
        };
    }

    private (int, object) Create(string body)
    {
        if (Parse(body) is not { } json)
        {
            return (400, new { message = "JSON object expected" });
        }

        if (json["Queue"]?.GetValue<string>() is not { Length: > 0 } queue || json["Subject"]?.GetValue<string>() is not { Length: > 0 } subject)
        {
            return (400, new { message = "Could not create ticket. Queue and Subject are required" });
        }

        var ticket = new RtTicket(NextId(), queue, subject, json["Content"]?.GetValue<string>() ?? "", "new");
        SetFields(ticket, json);
        if (json["RefersTo"]?.GetValue<string>() is { } link)
        {
            ticket.RefersTo.Add(link);
        }

        _tickets[ticket.Id] = ticket;
        return (201, new { type = "ticket", id = ticket.Id, _url = new Uri(BaseAddress, $"/REST/2.0/ticket/{ticket.Id}").ToString() });
    }

    private static (int, object) Update(RtTicket ticket, string body)
    {
        if (Parse(body) is not { } json)
        {
            return (400, new { message = "JSON object expected" });
        }

        var messages = new List<string>();
        if (json["Status"]?.GetValue<string>() is { } status)
        {
            messages.Add($"Ticket {ticket.Id}: Status changed from '{ticket.Status}' to '{status}'");
            ticket.Status = status;
        }

        messages.AddRange(SetFields(ticket, json).Select(f => $"{f} changed"));
        return (200, messages);
    }

    private (int, object) AddMessage(RtTicket ticket, string action, string body)
    {
        string? content = Parse(body) is { } json ? json["Content"]?.GetValue<string>() : body;
        if (string.IsNullOrEmpty(content))
        {
            return (400, new { message = "No content" });
        }

        lock (_gate)
        {
            (action == "comment" ? ticket.Comments : ticket.Correspondence).Add(content);
        }

        return (201, new[] { action == "comment" ? "Comments added" : "Correspondence added" });
    }

    private (int, object) Search(string query)
    {
        Match match = RefersToQuery().Match(query);
        if (!match.Success)
        {
            return (400, new { message = "This server understands only RefersTo = '...' queries" });
        }

        string link = match.Groups["link"].Value.Replace("\\'", "'", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        var items = Tickets.Where(t => t.RefersTo.Contains(link)).Select(t => new { type = "ticket", id = t.Id }).ToList();
        return (200, new { count = items.Count, page = 1, per_page = 20, total = items.Count, items });
    }

    private static List<string> SetFields(RtTicket ticket, JsonObject json)
    {
        var changed = new List<string>();
        if (json["CustomFields"] is JsonObject fields)
        {
            foreach ((string name, JsonNode? value) in fields)
            {
                ticket.CustomFields[name] = value?.GetValue<string>() ?? "";
                changed.Add(name);
            }
        }

        return changed;
    }

    private static object Describe(RtTicket t) => new
    {
        id = t.Id,
        Queue = t.Queue,
        Subject = t.Subject,
        Status = t.Status,
        CustomFields = t.CustomFields.Select(f => new { name = f.Key, values = new[] { f.Value } }),
    };

    private static JsonObject? Parse(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string NextId() => Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^/REST/2.0/ticket/(?<id>[0-9]+)(?:/(?<action>[a-z]+))?$")]
    private static partial Regex TicketPath();

    [GeneratedRegex(@"^\s*RefersTo\s*=\s*'(?<link>(?:[^'\\]|\\.)*)'\s*$")]
    private static partial Regex RefersToQuery();
}

internal sealed record RtRequest(string Method, string Path, string Query, string Authorization, string? ContentType, string Body);

internal sealed class RtTicket(string id, string queue, string subject, string content, string status)
{
    public string Id { get; } = id;

    public string Queue { get; } = queue;

    public string Subject { get; } = subject;

    public string Content { get; } = content;

    public string Status { get; set; } = status;

    public ConcurrentDictionary<string, string> CustomFields { get; } = new();

    public List<string> RefersTo { get; } = [];

    public List<string> Comments { get; } = [];

    public List<string> Correspondence { get; } = [];
}
