using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Functions.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.OpenApi;

/// <summary>The OpenAPI document served by a real hub, checked against the hub's own route table.</summary>
public sealed partial class OpenApiDocumentTests : IAsyncLifetime
{
    private TestHub _hub = null!;
    private JsonDocument _document = null!;

    public async Task InitializeAsync()
    {
        _hub = await TestHub.StartAsync();
        HttpResponseMessage response = await _hub.Client.GetAsync(new Uri("/api/openapi.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        _document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        _document.Dispose();
        await _hub.DisposeAsync();
    }

    [Fact]
    public void Document_IsOpenApi31WithTheHubsTitleAndBothKeySchemes()
    {
        JsonElement root = _document.RootElement;

        Assert.StartsWith("3.1", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("Integration Hub", root.GetProperty("info").GetProperty("title").GetString());
        JsonElement schemes = root.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal(("apiKey", "header", "X-Api-Key"), Scheme(schemes.GetProperty("apiKey")));
        Assert.Equal(("apiKey", "header", "x-functions-key"), Scheme(schemes.GetProperty("adminKey")));
    }

    [Fact]
    public void Document_DescribesExactlyTheRoutesTheHubServes_EachWithASummary()
    {
        var served = _hub.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .Order()
            .ToList();

        var described = new List<string>();
        foreach (JsonProperty path in _document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (JsonProperty operation in path.Value.EnumerateObject())
            {
                described.Add($"{operation.Name.ToUpperInvariant()} {path.Name}");
                Assert.False(string.IsNullOrWhiteSpace(operation.Value.TryGetProperty("summary", out JsonElement s) ? s.GetString() : null), $"{operation.Name} {path.Name} has no summary");
            }
        }

        Assert.Contains("POST /api/tickets", served);
        Assert.Equal(served, described.Order());
        // The dashboard's home is "/", without the parameter its route needs on the Functions host.
        Assert.False(_document.RootElement.GetProperty("paths").GetProperty("/").GetProperty("get").TryGetProperty("parameters", out _), "GET / has no parameter");
    }

    [Fact]
    public void Operation_NeedingARole_NamesTheRolesAndRequiresTheApiKey_AndAHookDoesNot()
    {
        JsonElement create = Operation("/api/tickets", "post");
        JsonElement alerts = Operation("/api/hooks/alerts/{format}", "post");
        JsonElement poison = Operation("/api/admin/poison", "get");

        Assert.StartsWith("Roles: integrator, developer, operator, app-admin", create.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(create.GetProperty("security")[0].TryGetProperty("apiKey", out _));
        Assert.True(create.GetProperty("responses").TryGetProperty("403", out _));
        Assert.False(alerts.TryGetProperty("security", out _));
        Assert.True(poison.GetProperty("security")[0].TryGetProperty("adminKey", out _));
    }

    [Fact]
    public void CreateTicket_DescribesItsJsonBodyFromTheRequestType()
    {
        JsonElement body = Operation("/api/tickets", "post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        string reference = body.GetProperty("$ref").GetString()!;
        JsonElement schema = _document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(reference[(reference.LastIndexOf('/') + 1)..]);

        Assert.True(schema.GetProperty("properties").TryGetProperty("queue", out _));
        Assert.True(schema.GetProperty("properties").TryGetProperty("subject", out _));
    }

    [Theory]
    [InlineData("/api/tickets", "post")]
    [InlineData("/api/tickets/{number}/comments", "post")]
    [InlineData("/api/tickets/{number}/correspondence", "post")]
    [InlineData("/api/tickets/{number}/escalations", "post")]
    [InlineData("/api/incidents", "post")]
    [InlineData("/api/incidents/{ticket}/hand-off", "post")]
    [InlineData("/api/releases", "post")]
    public void Create_DeclaresTheIdempotencyKeyHeaderAndItsAnswers(string path, string method)
    {
        JsonElement operation = Operation(path, method);

        JsonElement header = Assert.Single(operation.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key");
        Assert.Equal("header", header.GetProperty("in").GetString());
        Assert.Equal(255, header.GetProperty("schema").GetProperty("maxLength").GetInt32());
        Assert.All(new[] { "400", "409", "422" }, status => Assert.True(operation.GetProperty("responses").TryGetProperty(status, out _), status));
    }

    [Fact]
    public void ListTickets_DeclaresNoIdempotencyKey()
    {
        JsonElement list = Operation("/api/tickets", "get");

        Assert.DoesNotContain(
            list.TryGetProperty("parameters", out JsonElement parameters) ? parameters.EnumerateArray().Select(p => p.GetProperty("name").GetString()) : [],
            name => name == "Idempotency-Key");
    }

    [Fact]
    public void UploadAttachment_DescribesARawBodyOfAnyContentType()
    {
        JsonElement content = Operation("/api/tickets/{number}/attachments", "post").GetProperty("requestBody").GetProperty("content");

        Assert.Equal(["*/*", "application/octet-stream"], content.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    private JsonElement Operation(string path, string method) => _document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static (string?, string?, string?) Scheme(JsonElement scheme) =>
        (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString());

    /// <summary>A route template as OpenAPI spells it: no constraints, no catch-all stars, no trailing slash.</summary>
    private static string Normalize(string route)
    {
        if (route.TrimStart('/') == Hub.Functions.Dashboard.IncidentPages.RootRoute)
        {
            return "/"; // documented as the path it serves
        }

        string path = Parameter().Replace(route, m => "{" + m.Groups["name"].Value + "}");
        path = path.Length > 1 ? path.TrimEnd('/') : path;
        return path.StartsWith('/') ? path : "/" + path;
    }

    [GeneratedRegex(@"\{\**(?<name>[A-Za-z0-9_]+)(?::[^}]*)?\}")]
    private static partial Regex Parameter();
}
