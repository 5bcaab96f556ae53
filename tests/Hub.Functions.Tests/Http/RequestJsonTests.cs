using System.Net;
using System.Text;
using System.Text.Json;
using Hub.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Http;

public sealed class RequestJsonTests
{
    [Fact]
    public async Task ReadAsync_JsonObject_ReturnsTheValue()
    {
        HttpRequest request = Request("application/json; charset=utf-8", """{"queue":"Admin","subject":"Disk"}""");

        JsonBody<Sample> body = await RequestJson.ReadAsync<Sample>(request, CancellationToken.None);

        Assert.Null(body.Problem);
        Assert.Equal(new Sample("Admin", "Disk"), body.Value);
    }

    [Theory]
    [InlineData("text/plain", """{"queue":"Admin"}""", HttpStatusCode.UnsupportedMediaType)]
    [InlineData(null, """{"queue":"Admin"}""", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json", "", HttpStatusCode.BadRequest)]
    [InlineData("application/json", """{"queue": """, HttpStatusCode.BadRequest)]
    [InlineData("application/json", """{"queue": 42}""", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "null", HttpStatusCode.BadRequest)]
    public async Task ReadAsync_BodyThatIsNotTheJsonObject_AnswersAProblem(string? contentType, string json, HttpStatusCode expected)
    {
        HttpRequest request = Request(contentType, json);

        JsonBody<Sample> body = await RequestJson.ReadAsync<Sample>(request, CancellationToken.None);
        (int status, string mediaType, JsonElement problem) = await ExecuteAsync(request.HttpContext, body.Problem!);

        Assert.Null(body.Value);
        Assert.Equal((int)expected, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task ReadAsync_WrongTypeDeepInTheBody_NamesTheJsonPath()
    {
        HttpRequest request = Request("application/json", """{"queue":"Admin","subject":["not","text"]}""");

        JsonBody<Sample> body = await RequestJson.ReadAsync<Sample>(request, CancellationToken.None);
        (_, _, JsonElement problem) = await ExecuteAsync(request.HttpContext, body.Problem!);

        JsonElement error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("$.subject", error.GetProperty("field").GetString());
        Assert.Equal("string", error.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task ReadAsync_SeveralValuesOfTheWrongKind_ListsEveryOneWithItsRuleAndNoTypeNames()
    {
        HttpRequest request = Request("application/json", """
            {"queue":"Nope","subject":7,"priority":"high","requestors":"a","cc":["ok",1],"customFields":{"A":"x","B":2},"unknown":{"deep":[1]}}
            """);

        JsonBody<Hub.Functions.Tickets.NewTicket> body = await RequestJson.ReadAsync<Hub.Functions.Tickets.NewTicket>(request, CancellationToken.None);
        (int status, _, JsonElement problem) = await ExecuteAsync(request.HttpContext, body.Problem!);

        Assert.Equal(400, status);
        Assert.Equal(
            ["$.subject: string", "$.priority: integer", "$.requestors: array", "$.cc[1]: string", "$.customFields.B: string"],
            problem.GetProperty("errors").EnumerateArray().Select(e => $"{e.GetProperty("field").GetString()}: {e.GetProperty("rule").GetString()}"));
        Assert.Equal("$.subject: string; $.priority: integer; $.requestors: array; $.cc[1]: string; $.customFields.B: string", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("Hub.", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"to":"Launched"}""", false)]
    [InlineData("""{"to":3}""", false)]
    [InlineData("""{"to":"3"}""", false)]
    [InlineData("""{"to":"Unverified"}""", true)]
    [InlineData("""{"to":"unverified","override":true}""", true)]
    public async Task ReadAsync_EnumValue_OnlyAMemberNameIsAccepted(string json, bool accepted)
    {
        HttpRequest request = Request("application/json", json);

        JsonBody<Hub.Functions.Releases.TransitionRequest> body = await RequestJson.ReadAsync<Hub.Functions.Releases.TransitionRequest>(request, CancellationToken.None);

        Assert.Equal(accepted, body.Problem is null);
        if (accepted)
        {
            Assert.Equal(Hub.Domain.Intake.Tickets.RolloutProgress.Unverified, body.Value!.To);
            return;
        }

        (int status, _, JsonElement problem) = await ExecuteAsync(request.HttpContext, body.Problem!);
        JsonElement error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(400, status);
        Assert.Equal("$.to", error.GetProperty("field").GetString());
        Assert.Equal("one of: " + string.Join(", ", Enum.GetNames<Hub.Domain.Intake.Tickets.RolloutProgress>()), error.GetProperty("rule").GetString());
    }

    [Theory]
    [InlineData("""{"count":"12"}""", true)]
    [InlineData("""{"count":12.5}""", false)]
    [InlineData("""{"count":99999999999}""", false)]
    [InlineData("""{"count":null}""", false)]
    [InlineData("""{"at":"2026-12-02T10:00:00Z","count":1}""", true)]
    [InlineData("""{"at":"yesterday","count":1}""", false)]
    public async Task ReadAsync_NumbersAndDates_FollowTheWebDefaults(string json, bool accepted)
    {
        HttpRequest request = Request("application/json", json);

        JsonBody<Counted> body = await RequestJson.ReadAsync<Counted>(request, CancellationToken.None);

        Assert.Equal(accepted, body.Problem is null);
    }

    [Fact]
    public async Task ReadAsync_InvalidUtf8_AnswersBadRequest()
    {
        HttpRequest request = Request("application/json", null, [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']);

        JsonBody<Sample> body = await RequestJson.ReadAsync<Sample>(request, CancellationToken.None);
        (int status, _, _) = await ExecuteAsync(request.HttpContext, body.Problem!);

        Assert.Equal(400, status);
    }

    [Fact]
    public async Task ReadAsync_BodyOverTheLimit_Answers413NamingTheLimit()
    {
        HttpRequest request = Request("application/json", """{"queue":"Admin","subject":"0123456789"}""");

        JsonBody<Sample> body = await RequestJson.ReadAsync<Sample>(request, CancellationToken.None, limit: 16);
        (int status, _, JsonElement problem) = await ExecuteAsync(request.HttpContext, body.Problem!);

        Assert.Equal(413, status);
        Assert.Contains("16 bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static HttpRequest Request(string? contentType, string? json, byte[]? raw = null)
    {
        // The hub's HTTP JSON options, as HubApp sets them.
        IServiceProvider services = new ServiceCollection().AddLogging().AddProblemDetails()
            .ConfigureHttpJsonOptions(o => RequestJson.Configure(o.SerializerOptions))
            .BuildServiceProvider();
        byte[] bytes = raw ?? Encoding.UTF8.GetBytes(json ?? "");
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.ContentType = contentType;
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    private static async Task<(int Status, string MediaType, JsonElement Problem)> ExecuteAsync(HttpContext context, IResult result)
    {
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        using JsonDocument document = await JsonDocument.ParseAsync(context.Response.Body);
        string mediaType = (context.Response.ContentType ?? "").Split(';')[0];
        return (context.Response.StatusCode, mediaType, document.RootElement.Clone());
    }

    public sealed record Sample(string Queue, string? Subject);

    public sealed record Counted(int Count, DateTimeOffset? At);
}
