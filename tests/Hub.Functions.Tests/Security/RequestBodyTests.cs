using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Functions.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hub.Functions.Tests.Security;

public sealed class RequestBodyTests
{
    private const int SmallLimit = 1000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReadAsync_ExactlyAtLimit_ReturnsTheExactBytes(bool chunked)
    {
        await using SecurityTestApp app = await StartAsync();
        byte[] body = Pattern(1000);

        using HttpResponseMessage response = await app.Client.PostAsync("/small", Content(body, chunked));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReadAsync_OneByteOverLimit_Answers413ProblemNamingTheLimit(bool chunked)
    {
        await using SecurityTestApp app = await StartAsync();

        using HttpResponseMessage response = await app.Client.PostAsync("/small", Content(Pattern(1001), chunked));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.Contains("1,000 bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EmptyBody_ReturnsNoBytes()
    {
        await using SecurityTestApp app = await StartAsync();

        using HttpResponseMessage response = await app.Client.PostAsync("/small", Content([], chunked: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public void TooLarge_WholeMegabytes_NamesMegabytesAndBytes()
    {
        ProblemDetailsTooLarge(31457280, "30 MB (31,457,280 bytes)");
        ProblemDetailsTooLarge(1048576, "1 MB (1,048,576 bytes)");
    }

    [Fact]
    public void Limits_MailAndHooks_Are30And1Megabytes()
    {
        long mail = BodyLimits.Mail;
        long hook = BodyLimits.Hook;

        Assert.Equal(31457280, mail);
        Assert.Equal(1048576, hook);
    }

    [Fact]
    public async Task ReadAsync_MailRouteAt30MegabytesChunked_PassesKestrelsDefaultCap()
    {
        // 31,457,280 bytes is past Kestrel's default 30,000,000: only the per-request limit lets it through.
        await using SecurityTestApp app = await StartAsync();

        using HttpResponseMessage response = await app.Client.PostAsync("/mail", Content(Pattern(31457280), chunked: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("31457280", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReadAsync_MailRouteOneByteOver30Megabytes_Answers413Problem(bool chunked)
    {
        await using SecurityTestApp app = await StartAsync();
        // Expect: 100-continue, as large senders do: refused on Content-Length alone, the body is never sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mail") { Content = Content(Pattern(31457281), chunked) };
        request.Headers.ExpectContinue = true;

        using HttpResponseMessage response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("30 MB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static void ProblemDetailsTooLarge(long limit, string expected)
    {
        var result = RequestBody.TooLarge(limit);

        Assert.Equal(413, result.StatusCode);
        Assert.Contains(expected, result.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    private static Task<SecurityTestApp> StartAsync() => SecurityTestApp.StartAsync(new Dictionary<string, string?>(), app =>
    {
        app.MapPost("/small", async (HttpRequest request, CancellationToken ct) =>
        {
            BodyReadResult body = await RequestBody.ReadAsync(request, SmallLimit, ct);
            return body.IsTooLarge ? (IResult)body.ToProblem() : Results.Bytes(body.Body.ToArray(), "application/octet-stream");
        });
        app.MapPost("/mail", async (HttpRequest request, CancellationToken ct) =>
        {
            BodyReadResult body = await RequestBody.ReadAsync(request, BodyLimits.Mail, ct);
            return body.IsTooLarge ? (IResult)body.ToProblem() : Results.Text(body.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
    });

    private static HttpContent Content(byte[] body, bool chunked)
    {
        HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static byte[] Pattern(int length)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }

    /// <summary>A stream that hides its length so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
