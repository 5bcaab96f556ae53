using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Security;
using Hub.Functions.Security;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hub.Functions.Tests.Security;

public sealed class WebhookReceiverTests
{
    private const string Body = "{\"test\": 2432232314}";

    [Fact]
    public async Task ReceiveAsync_ValidStandardWebhook_HandsOverBodyAndDeliveryId()
    {
        await using SecurityTestApp app = await StartAsync();

        using HttpResponseMessage response = await app.Client.SendAsync(Request("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", Body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"msg_p5jXN8AQM9LWM0D4loKWxJek:{Body.Length}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ReceiveAsync_BadSignature_Answers401ProblemWithoutDetail()
    {
        await using SecurityTestApp app = await StartAsync();

        using HttpResponseMessage response = await app.Client.SendAsync(Request("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", Body));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.False(problem.TryGetProperty("detail", out _));
    }

    [Fact]
    public async Task ReceiveAsync_SecretSettingMissing_Answers401ProblemWithoutDetail()
    {
        await using SecurityTestApp app = await StartAsync(secret: null);

        using HttpResponseMessage response = await app.Client.SendAsync(Request("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", Body));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(problem.TryGetProperty("detail", out _));
    }

    [Fact]
    public async Task ReceiveAsync_BodyOverLimit_Answers413BeforeVerifying()
    {
        await using SecurityTestApp app = await StartAsync();

        using HttpResponseMessage response = await app.Client.SendAsync(Request("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", new string('x', 65)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    private static HttpRequestMessage Request(string signature, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/grafana") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek");
        request.Headers.Add("webhook-timestamp", "1614265330");
        request.Headers.TryAddWithoutValidation("webhook-signature", signature);
        return request;
    }

    private static Task<SecurityTestApp> StartAsync(string? secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    {
        var source = new WebhookSource("grafana", "grafana", WebhookAuthScheme.StandardWebhooks, ["Hub__Hooks__Grafana__Secret"]);
        return SecurityTestApp.StartAsync(
            new Dictionary<string, string?> { ["Hub__Hooks__Grafana__Secret"] = secret },
            app => app.MapPost("/hooks/grafana", async (HttpRequest request, WebhookVerifier verifier, CancellationToken ct) =>
            {
                WebhookReceipt receipt = await verifier.ReceiveAsync(request, source, 64, ct);
                return receipt.Refusal ?? Results.Text($"{receipt.DeliveryId}:{receipt.Body.Length}");
            }),
            clock: new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1614265330)));
    }
}
