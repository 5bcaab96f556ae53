using System.Text;
using Hub.Domain.Configuration;
using Hub.Domain.Security;
using Hub.Functions.Security;
using Hub.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Hub.Functions.Tests.Security;

/// <summary>
/// Expected signatures are literals: the Standard Webhooks one is the reference libraries' test vector, GitHub's is the
/// example from its documentation, the rest were computed with Python's hmac module.
/// </summary>
public sealed class WebhookVerifierTests
{
    // Standard Webhooks reference vector (svix / standard-webhooks libraries).
    private const string SecretSetting = "Hub__Hooks__Grafana__Secret";
    private const string RotatedSetting = "Hub__Hooks__Grafana__NextSecret";
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string RotatedSecret = "whsec_cm90YXRlZC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Now = 1614265330;
    private const string Body = "{\"test\": 2432232314}";
    private const string Signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private const string SignatureWithRotatedSecret = "v1,77WLrNkbTlgg6AKpthNh8zmHfqR43AwH2PPb8/dXJ34=";

    private static readonly WebhookSource Standard = new("grafana", "grafana", WebhookAuthScheme.StandardWebhooks, [SecretSetting]);

    [Fact]
    public void Verify_StandardWebhooksValid_PassesWithTheDeliveryId()
    {
        WebhookVerifier verifier = Verifier();

        VerifyResult result = verifier.Verify(Standard, StandardHeaders(Id, "1614265330", Signature), Bytes(Body));

        Assert.True(result.IsVerified, result.Reason);
        Assert.Equal(Id, result.DeliveryId);
    }

    [Theory]
    [InlineData("webhook-id")]
    [InlineData("webhook-timestamp")]
    [InlineData("webhook-signature")]
    public void Verify_StandardWebhooksHeaderMissing_Fails(string header)
    {
        WebhookVerifier verifier = Verifier();
        HeaderDictionary headers = StandardHeaders(Id, "1614265330", Signature);
        headers.Remove(header);

        VerifyResult result = verifier.Verify(Standard, headers, Bytes(Body));

        Assert.False(result.IsVerified);
        Assert.Null(result.DeliveryId);
    }

    [Theory]
    [InlineData("v1,g0hM9SsE+OTPJTGu/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,not base64!")]
    public void Verify_StandardWebhooksBadSignature_Fails(string signature)
    {
        WebhookVerifier verifier = Verifier();

        VerifyResult result = verifier.Verify(Standard, StandardHeaders(Id, "1614265330", signature), Bytes(Body));

        Assert.False(result.IsVerified);
    }

    [Theory]
    [InlineData("1614265030", "v1,nvVf/HfjAJxHKM+8GcXkZAqj6QiemkYNQgXNVse9E00=", true)] // 300 s old
    [InlineData("1614265029", "v1,vdXBwhruSm3autbNQXqcKLHRWx5Llubu4oAbe0Md2Fg=", false)] // 301 s old: stale
    [InlineData("1614265630", "v1,oyLs6Hby/GAMWTm5rGjFbRGSTs+49Naq2VregV+YfPQ=", true)] // 300 s ahead
    [InlineData("1614265631", "v1,PL0TWDn/AnftQ1bQ+DpMDal4kAiiES2s0gH8EJsLzJs=", false)] // 301 s ahead
    public void Verify_StandardWebhooksTimestampAroundFiveMinutes_PassesOnlyWithinTolerance(string timestamp, string signature, bool expected)
    {
        WebhookVerifier verifier = Verifier();

        VerifyResult result = verifier.Verify(Standard, StandardHeaders(Id, timestamp, signature), Bytes(Body));

        Assert.Equal(expected, result.IsVerified);
    }

    [Fact]
    public void Verify_StandardWebhooksClockMovesOnPastTolerance_FailsTheSameDelivery()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(Now));
        WebhookVerifier verifier = Verifier(clock: clock);
        HeaderDictionary headers = StandardHeaders(Id, "1614265330", Signature);
        bool before = verifier.Verify(Standard, headers, Bytes(Body)).IsVerified;

        clock.Advance(TimeSpan.FromSeconds(301));
        bool after = verifier.Verify(Standard, headers, Bytes(Body)).IsVerified;

        Assert.True(before);
        Assert.False(after);
    }

    [Theory]
    [InlineData("not-a-number")]
    [InlineData("-1614265330")]
    [InlineData("1614265330.5")]
    public void Verify_StandardWebhooksTimestampNotUnixSeconds_Fails(string timestamp)
    {
        WebhookVerifier verifier = Verifier();

        VerifyResult result = verifier.Verify(Standard, StandardHeaders(Id, timestamp, Signature), Bytes(Body));

        Assert.False(result.IsVerified);
    }

    [Fact]
    public void Verify_StandardWebhooksSignedWithRotatedSecond_Passes()
    {
        WebhookVerifier verifier = Verifier(new() { [SecretSetting] = Secret, [RotatedSetting] = RotatedSecret });
        var source = Standard with { SecretSettings = [SecretSetting, RotatedSetting] };

        VerifyResult result = verifier.Verify(source, StandardHeaders(Id, "1614265330", SignatureWithRotatedSecret), Bytes(Body));

        Assert.True(result.IsVerified, result.Reason);
    }

    [Fact]
    public void Verify_StandardWebhooksSignedWithSecretNoLongerConfigured_Fails()
    {
        WebhookVerifier verifier = Verifier(new() { [SecretSetting] = Secret });

        VerifyResult result = verifier.Verify(Standard, StandardHeaders(Id, "1614265330", SignatureWithRotatedSecret), Bytes(Body));

        Assert.False(result.IsVerified);
    }

    [Fact]
    public void Verify_StandardWebhooksSeveralSignaturesOneValid_Passes()
    {
        WebhookVerifier verifier = Verifier();
        string signatures = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg== " + Signature;

        VerifyResult result = verifier.Verify(Standard, StandardHeaders(Id, "1614265330", signatures), Bytes(Body));

        Assert.True(result.IsVerified, result.Reason);
    }

    [Fact]
    public void Verify_StandardWebhooksBodyTamperedByOneByte_Fails()
    {
        WebhookVerifier verifier = Verifier();

        VerifyResult result = verifier.Verify(Standard, StandardHeaders(Id, "1614265330", Signature), Bytes("{\"test\": 2432232315}"));

        Assert.False(result.IsVerified);
    }

    [Fact]
    public void Verify_StandardWebhooksOtherDeliveryId_Fails()
    {
        WebhookVerifier verifier = Verifier();

        VerifyResult result = verifier.Verify(Standard, StandardHeaders("msg_p5jXN8AQM9LWM0D4loKWxJel", "1614265330", Signature), Bytes(Body));

        Assert.False(result.IsVerified);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Verify_SecretSettingMissingOrEmpty_FailsClosed(string? value)
    {
        WebhookVerifier verifier = Verifier(new() { [SecretSetting] = value });

        VerifyResult result = verifier.Verify(Standard, StandardHeaders(Id, "1614265330", Signature), Bytes(Body));

        Assert.False(result.IsVerified);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Verify_RotationSecretSettingMissingOrEmpty_PassesWithTheFirst(string? rotated)
    {
        WebhookVerifier verifier = Verifier(new() { [SecretSetting] = Secret, [RotatedSetting] = rotated });
        var source = Standard with { SecretSettings = [SecretSetting, RotatedSetting] };

        VerifyResult result = verifier.Verify(source, StandardHeaders(Id, "1614265330", Signature), Bytes(Body));

        Assert.True(result.IsVerified, result.Reason);
    }

    [Fact]
    public void Verify_FirstSecretSettingEmptyRotationSet_FailsClosed()
    {
        WebhookVerifier verifier = Verifier(new() { [SecretSetting] = "", [RotatedSetting] = RotatedSecret });
        var source = Standard with { SecretSettings = [SecretSetting, RotatedSetting] };

        VerifyResult result = verifier.Verify(source, StandardHeaders(Id, "1614265330", SignatureWithRotatedSecret), Bytes(Body));

        Assert.False(result.IsVerified);
    }

    [Fact]
    public void Verify_BearerWithEmptySecretSetting_RefusesAnEmptyToken()
    {
        WebhookVerifier verifier = Verifier(new() { ["Hub__Hooks__Bearer"] = "" });
        var source = new WebhookSource("generic", "tickets", WebhookAuthScheme.Bearer, ["Hub__Hooks__Bearer"], "rt");

        VerifyResult result = verifier.Verify(source, new HeaderDictionary { ["Authorization"] = "Bearer " }, Bytes(Body));

        Assert.False(result.IsVerified);
    }

    [Theory]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", true)]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18", false)]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000", false)]
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", false)]
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", false)]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e", false)]
    [InlineData("sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", false)]
    [InlineData(null, false)]
    public void Verify_GitHubSignature_PassesOnlyTheExactHmac(string? header, bool expected)
    {
        // The example from GitHub's "Validating webhook deliveries" page.
        WebhookVerifier verifier = Verifier(new() { ["Hub__Hooks__Tickets__Secret"] = "It's a Secret to Everybody" });
        var source = new WebhookSource("gh", "tickets", WebhookAuthScheme.GitHubSignature, ["Hub__Hooks__Tickets__Secret"], "github");
        var headers = new HeaderDictionary();
        if (header is not null)
        {
            headers["X-Hub-Signature-256"] = header;
        }

        VerifyResult result = verifier.Verify(source, headers, Bytes("Hello, World!"));

        Assert.Equal(expected, result.IsVerified);
        Assert.Null(result.DeliveryId);
    }

    [Theory]
    [InlineData("Basic c2VuZGdyaWQ6cGFyc2UtcGFzc3dvcmQtMTIz", true)] // sendgrid:parse-password-123
    [InlineData("basic c2VuZGdyaWQ6cGFyc2UtcGFzc3dvcmQtMTIz", true)]
    [InlineData("Basic c2VuZGdyaWQ6cGFyc2UtcGFzc3dvcmQtMTI0", false)] // sendgrid:parse-password-124
    [InlineData("Basic c2VuZGdyaWQ6cGFyc2UtcGFzc3dvcmQtMTIz!!", false)]
    [InlineData("Basic not-base64", false)]
    [InlineData("Basic ", false)]
    [InlineData("Bearer sendgrid:parse-password-123", false)]
    [InlineData(null, false)]
    public void Verify_Basic_PassesOnlyTheConfiguredUserAndPassword(string? authorization, bool expected)
    {
        WebhookVerifier verifier = Verifier(new() { ["Hub__Hooks__Mail__Credentials"] = "sendgrid:parse-password-123" });
        var source = new WebhookSource("sendgrid", "mail", WebhookAuthScheme.Basic, ["Hub__Hooks__Mail__Credentials"]);
        var headers = new HeaderDictionary();
        if (authorization is not null)
        {
            headers["Authorization"] = authorization;
        }

        VerifyResult result = verifier.Verify(source, headers, Bytes(Body));

        Assert.Equal(expected, result.IsVerified);
    }

    [Theory]
    [InlineData("Bearer am-7d41c0e9b2f84a6c", true)]
    [InlineData("bearer am-7d41c0e9b2f84a6c", true)]
    [InlineData("Bearer am-7d41c0e9b2f84a6d", false)]
    [InlineData("Bearer am-7d41c0e9b2f84a6", false)]
    [InlineData("Basic YW0tN2Q0MWMwZTliMmY4NGE2Yw==", false)]
    [InlineData("am-7d41c0e9b2f84a6c", false)]
    [InlineData(null, false)]
    public void Verify_Bearer_PassesOnlyTheConfiguredKey(string? authorization, bool expected)
    {
        WebhookVerifier verifier = Verifier(new() { ["Hub__Hooks__Alerts__Key"] = "am-7d41c0e9b2f84a6c" });
        var source = new WebhookSource("alertmanager", "alertmanager", WebhookAuthScheme.Bearer, ["Hub__Hooks__Alerts__Key"]);
        var headers = new HeaderDictionary();
        if (authorization is not null)
        {
            headers["Authorization"] = authorization;
        }

        VerifyResult result = verifier.Verify(source, headers, Bytes(Body));

        Assert.Equal(expected, result.IsVerified);
    }

    internal static HeaderDictionary StandardHeaders(string id, string timestamp, string signature) => new()
    {
        ["webhook-id"] = id,
        ["webhook-timestamp"] = timestamp,
        ["webhook-signature"] = signature,
    };

    private static WebhookVerifier Verifier(Dictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection((settings ?? new() { [SecretSetting] = Secret }).ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => p.Value))
            .Build();
        return new WebhookVerifier(configuration, clock ?? new ManualClock(DateTimeOffset.FromUnixTimeSeconds(Now)));
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
