using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Functions.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hub.Functions.Tests.Security;

public sealed class RequireRoleTests
{
    private const string OperatorKey = "op-key-5d0b8e2f9a1c4e77";
    private const string AdminKey = "admin-key-2b7c9d1e4f6a8b03";
    private const string ReaderKey = "reader-key-9e8d7c6b5a493827";

    [Theory]
    [InlineData(null)]
    [InlineData("op-key-5d0b8e2f9a1c4e78")]
    [InlineData("")]
    public async Task RequireRole_NoOrInvalidKey_Answers401Problem(string? key)
    {
        await using SecurityTestApp app = await StartAsync();

        using HttpResponseMessage response = await app.Client.SendAsync(Get("/ops", key));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task RequireRole_KeyWithTheRole_PassesTheCallerToTheHandler()
    {
        await using SecurityTestApp app = await StartAsync();

        using HttpResponseMessage response = await app.Client.SendAsync(Get("/ops", OperatorKey));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ops-team:operator", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RequireRole_KeyWithoutTheRole_Answers403ProblemNamingTheRole()
    {
        await using SecurityTestApp app = await StartAsync();

        using HttpResponseMessage response = await app.Client.SendAsync(Get("/dev/", ReaderKey));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("'developer'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/ops")]
    [InlineData("/dev/")]
    [InlineData("/logs")]
    public async Task RequireRole_AppAdmin_PassesEveryRole(string path)
    {
        await using SecurityTestApp app = await StartAsync();

        using HttpResponseMessage response = await app.Client.SendAsync(Get(path, AdminKey));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RequireRole_AnyOfSeveralRoles_PassesEither()
    {
        await using SecurityTestApp app = await StartAsync();

        using HttpResponseMessage asReader = await app.Client.SendAsync(Get("/logs", ReaderKey));
        using HttpResponseMessage asOperator = await app.Client.SendAsync(Get("/logs", OperatorKey));

        Assert.Equal(HttpStatusCode.OK, asReader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asOperator.StatusCode);
    }

    [Fact]
    public async Task RequireRole_PrincipalHeaderWhenNotTrusted_Answers401()
    {
        await using SecurityTestApp app = await StartAsync(trustAppServiceAuth: null);

        using HttpResponseMessage response = await app.Client.SendAsync(Get("/ops", key: null, principal: OperatorPrincipal));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RequireRole_PrincipalHeaderWhenTrusted_UsesItsNameAndRoles()
    {
        await using SecurityTestApp app = await StartAsync(trustAppServiceAuth: "true");

        using HttpResponseMessage response = await app.Client.SendAsync(Get("/ops", key: null, principal: OperatorPrincipal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ada@example.org:operator", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RequireRole_TrustedPrincipalWithoutTheRole_Answers403()
    {
        await using SecurityTestApp app = await StartAsync(trustAppServiceAuth: "true");

        using HttpResponseMessage response = await app.Client.SendAsync(Get("/dev/", key: null, principal: OperatorPrincipal));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("bm90IGpzb24=")] // "not json"
    [InlineData("eyJhdXRoX3R5cCI6ImFhZCJ9")] // {"auth_typ":"aad"}: no claims
    [InlineData("eyJjbGFpbXMiOltdfQ==")] // {"claims":[]}: no name
    public async Task RequireRole_MalformedTrustedPrincipal_Answers401(string principal)
    {
        await using SecurityTestApp app = await StartAsync(trustAppServiceAuth: "true");

        using HttpResponseMessage response = await app.Client.SendAsync(Get("/ops", key: null, principal: principal));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RequireRole_WrongKeyWithTrustedPrincipal_Answers401()
    {
        await using SecurityTestApp app = await StartAsync(trustAppServiceAuth: "true");

        using HttpResponseMessage response = await app.Client.SendAsync(Get("/ops", key: "wrong-key-0123456789abc", principal: OperatorPrincipal));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    // {"auth_typ":"aad","claims":[{"typ":"name","val":"Ada"},{"typ":"preferred_username","val":"ada@example.org"},
    //  {"typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role","val":"operator"},{"typ":"roles","val":"unknown-role"}],
    //  "name_typ":"preferred_username","role_typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role"}
    private static string OperatorPrincipal => Convert.ToBase64String(Encoding.UTF8.GetBytes(
        "{\"auth_typ\":\"aad\",\"claims\":[{\"typ\":\"name\",\"val\":\"Ada\"},{\"typ\":\"preferred_username\",\"val\":\"ada@example.org\"}," +
        "{\"typ\":\"http://schemas.microsoft.com/ws/2008/06/identity/claims/role\",\"val\":\"operator\"},{\"typ\":\"roles\",\"val\":\"unknown-role\"}]," +
        "\"name_typ\":\"preferred_username\",\"role_typ\":\"http://schemas.microsoft.com/ws/2008/06/identity/claims/role\"}"));

    private static HttpRequestMessage Get(string path, string? key, string? principal = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }

        if (principal is not null)
        {
            request.Headers.TryAddWithoutValidation("X-MS-CLIENT-PRINCIPAL", principal);
        }

        return request;
    }

    private static Task<SecurityTestApp> StartAsync(string? trustAppServiceAuth = null) => SecurityTestApp.StartAsync(
        new Dictionary<string, string?>
        {
            ["Hub__ApiKeys__ops-team"] = "operator:" + OperatorKey,
            ["Hub__ApiKeys__root"] = "app-admin:" + AdminKey,
            ["Hub__ApiKeys__reader"] = "logs-reader:" + ReaderKey,
            ["Hub__TrustAppServiceAuth"] = trustAppServiceAuth,
        },
        app =>
        {
            app.MapGet("/ops", (HttpContext context) =>
            {
                ApiCaller caller = context.GetRequiredApiCaller();
                return $"{caller.Name}:{string.Join(",", caller.Roles.Select(RoleNames.Format))}";
            }).RequireRole(Role.Operator);
            RouteGroupBuilder dev = app.MapGroup("/dev").RequireRole(Role.Developer);
            dev.MapGet("/", (HttpContext context) => context.GetApiCaller()!.Name);
            app.MapGet("/logs", () => "logs").RequireRole(Role.LogsReader, Role.Operator);
        });
}
