using System.Reflection;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Functions.Hosting;
using Hub.Functions.Http;
using Hub.Functions.Intake;
using Hub.Functions.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Functions.Tests.Http;

public sealed class HttpFunctionGuardTests
{
    public static TheoryData<string> HttpFunctions()
    {
        var data = new TheoryData<string>();
        foreach (MethodInfo method in HubHttpFunctions())
        {
            data.Add($"{method.DeclaringType!.FullName}.{method.Name}");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void RuleFor_EveryHttpFunctionOfTheHub_DeclaresRolesTheAdminKeyOrAnonymousAccess(string function)
    {
        MethodInfo method = HubHttpFunctions().Single(m => $"{m.DeclaringType!.FullName}.{m.Name}" == function);

        HttpFunctionGuard.Rule rule = HttpFunctionGuard.RuleFor(method);

        Assert.True(rule.Roles is { Length: > 0 } || rule.AdminKey || method.GetCustomAttribute<AllowAnonymousAttribute>() is not null);
    }

    [Fact]
    public void RuleFor_FunctionWithNeitherRolesNorAnonymous_Throws()
    {
        MethodInfo method = typeof(Samples).GetMethod(nameof(Samples.Undeclared))!;

        var error = Assert.Throws<InvalidOperationException>(() => HttpFunctionGuard.RuleFor(method));

        Assert.Contains("Samples.Undeclared", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RuleFor_FunctionWithBothRolesAndAnonymous_Throws()
    {
        MethodInfo method = typeof(Samples).GetMethod(nameof(Samples.Both))!;

        Assert.Throws<InvalidOperationException>(() => HttpFunctionGuard.RuleFor(method));
    }

    [Fact]
    public void RuleFor_LimitedWebhook_ReadsAnonymousAndTheIntakeLimit()
    {
        MethodInfo method = typeof(Samples).GetMethod(nameof(Samples.Hook))!;

        HttpFunctionGuard.Rule rule = HttpFunctionGuard.RuleFor(method);

        Assert.Null(rule.Roles);
        Assert.True(rule.Intake);
    }

    [Fact]
    public void RuleFor_OperatorFunction_ReadsItsRoles()
    {
        MethodInfo method = typeof(Samples).GetMethod(nameof(Samples.Operators))!;

        HttpFunctionGuard.Rule rule = HttpFunctionGuard.RuleFor(method);

        Assert.Equal([Role.Operator, Role.AppAdmin], rule.Roles);
        Assert.False(rule.Intake);
    }

    [Fact]
    public void RuleFor_AdminKeyFunction_ReadsTheAdminKeyAndItsContentTypes()
    {
        MethodInfo method = typeof(Samples).GetMethod(nameof(Samples.AdminJson))!;

        HttpFunctionGuard.Rule rule = HttpFunctionGuard.RuleFor(method);

        Assert.Null(rule.Roles);
        Assert.True(rule.AdminKey);
        Assert.Equal(["application/json"], rule.Accepts);
    }

    [Fact]
    public void HttpFunctionsOf_TheHub_FindsTheFunctionsBothHostsRun()
    {
        string[] names = HttpFunctionGuard.HttpFunctionsOf(typeof(HttpFunctionGuard).Assembly)
            .Select(m => m.GetCustomAttribute<Microsoft.Azure.Functions.Worker.FunctionAttribute>()!.Name).ToArray();

        Assert.Contains("Health_Get", names);
        Assert.Contains("Tickets_Create", names);
        Assert.Contains("Poison_Replay", names);
        Assert.DoesNotContain("HubWork", names);
    }

    [Theory]
    [InlineData(null, "x", 401, false)]
    [InlineData("wrong-admin-key-0000000000", "x", 401, false)]
    [InlineData(AdminKey, "text/plain", 415, false)]
    [InlineData(AdminKey, "application/json; charset=utf-8", 200, true)]
    [InlineData(AdminKey, "", 200, true)]
    public async Task InvokeAsync_AdminJsonFunction_ChecksTheKeyThenTheContentType(string? key, string contentType, int expected, bool ran)
    {
        HttpFunctionGuard guard = Guard();
        DefaultHttpContext http = Context(key, contentType);
        bool called = false;

        await guard.InvokeAsync(http, typeof(Samples).GetMethod(nameof(Samples.AdminJson))!, () => { called = true; return Task.CompletedTask; });

        Assert.Equal(expected, http.Response.StatusCode);
        Assert.Equal(ran, called);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task InvokeAsync_FunctionThrows_Answers500ProblemWithTheTraceIdTheLogNamesWithTheException(bool withActivity)
    {
        var log = new FakeLogger<HttpFunctionGuard>();
        HttpFunctionGuard guard = Guard(logger: log);
        DefaultHttpContext http = Context(null, "application/json");
        http.TraceIdentifier = "trace-0001";
        // As on both hosts: ASP.NET Core's hosting starts an activity per request, whose W3C id the problem carries.
        using System.Diagnostics.Activity? activity = withActivity ? new System.Diagnostics.Activity("request").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start() : null;

        await guard.InvokeAsync(http, typeof(Samples).GetMethod(nameof(Samples.Hook))!, () => throw new InvalidOperationException("boom"));

        Assert.Equal(500, http.Response.StatusCode);
        http.Response.Body.Position = 0;
        using JsonDocument problem = await JsonDocument.ParseAsync(http.Response.Body);
        string traceId = problem.RootElement.GetProperty("traceId").GetString()!;
        Assert.Equal(activity?.Id ?? "trace-0001", traceId);
        Assert.DoesNotContain("boom", problem.RootElement.ToString(), StringComparison.Ordinal);
        FakeLogRecord logged = Assert.Single(log.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Equal("boom", logged.Exception?.Message);
        Assert.Contains($"(trace id {traceId})", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_IntakeFunctionStillWaitingOnStorageAtItsDeadline_Answers503WithRetryAfter()
    {
        var time = new FakeTimeProvider();
        HttpFunctionGuard guard = Guard(new IntakeLimiter(4, 0, TimeSpan.FromSeconds(5), time));
        DefaultHttpContext http = Context(null, "application/json");
        var waiting = new TaskCompletionSource();

        // As a storage call that never answers: it ends only when the token the function was given is cancelled.
        Task answered = guard.InvokeAsync(http, typeof(Samples).GetMethod(nameof(Samples.Hook))!, async () =>
        {
            CancellationToken bound = http.RequestAborted;
            waiting.SetResult();
            await Task.Delay(Timeout.Infinite, bound);
        });
        await waiting.Task;
        time.Advance(TimeSpan.FromSeconds(4.9));
        bool answeredEarly = answered.IsCompleted;
        time.Advance(TimeSpan.FromSeconds(0.1));
        await answered.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(answeredEarly);
        Assert.Equal(503, http.Response.StatusCode);
        Assert.Equal("30", http.Response.Headers.RetryAfter.ToString());
    }

    private const string AdminKey = "guard-test-admin-key-0123456789";

    private static HttpFunctionGuard Guard(IntakeLimiter? intake = null, ILogger<HttpFunctionGuard>? logger = null)
    {
        IConfiguration settings = new ConfigurationBuilder().Build();
        var authenticator = new ApiCallerAuthenticator(ApiKeys.Load(settings), settings, NullLogger<ApiCallerAuthenticator>.Instance);
        return new HttpFunctionGuard(authenticator, intake ?? new IntakeLimiter(4, 0), new HubOptions { AdminKey = AdminKey }, logger ?? NullLogger<HttpFunctionGuard>.Instance);
    }

    private static DefaultHttpContext Context(string? adminKey, string contentType)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider() };
        http.Request.ContentType = contentType.Length == 0 ? null : contentType;
        http.Response.Body = new MemoryStream();
        if (adminKey is not null)
        {
            http.Request.Headers["x-functions-key"] = adminKey;
        }

        return http;
    }

    private static IEnumerable<MethodInfo> HubHttpFunctions() => HttpFunctionGuard.HttpFunctionsOf(typeof(HttpFunctionGuard).Assembly);

    public static class Samples
    {
        public static void Undeclared()
        {
        }

        [AllowAnonymous]
        [RequireRole(Role.Operator)]
        public static void Both()
        {
        }

        [AllowAnonymous]
        [IntakeLimited]
        public static void Hook()
        {
        }

        [RequireRole(Role.Operator, Role.AppAdmin)]
        public static void Operators()
        {
        }

        [AdminKeyRequired]
        [Consumes(typeof(JsonElement), "application/json")]
        public static void AdminJson()
        {
        }
    }
}
