using Hub.Domain.Configuration;
using Hub.Functions.Admin;
using Hub.Functions.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Hub.Functions.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document of the hub's HTTP API at <c>GET /api/openapi.json</c>, generated from the endpoints
/// themselves (routes, parameters, bodies, summaries), so it cannot drift from the code. Each operation that needs a
/// role says which, and carries the API-key security requirement and its 401/403 problem answers.
/// </summary>
public static class HubOpenApi
{
    public const string Route = "/api/openapi.json";

    private const string ApiKeyScheme = "apiKey";
    private const string AdminKeyScheme = "adminKey";

    public static IServiceCollection AddHubOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Integration Hub",
                    Version = typeof(HubOpenApi).Assembly.GetName().Version?.ToString(3) ?? "1.0.0",
                    Description = "Tickets, webhook intake, releases, incidents and operations. Errors are RFC 9457 problem details "
                        + "(application/problem+json); validation problems list {field, rule} in 'errors'.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiCallerAuthenticator.KeyHeader,
                    Description = "An API key from the settings Hub__ApiKeys__<name> = <role>[,<role>]:<key>. In Azure, the App Service "
                        + $"authentication principal ({ApiCallerAuthenticator.PrincipalHeader}) is accepted instead when Hub__TrustAppServiceAuth is true.",
                };
                document.Components.SecuritySchemes[AdminKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = AdminKey.Header,
                    Description = "The hub's admin key (setting Hub__AdminKey).",
                };
                ListTheRootAsRoot(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                IList<object> metadata = context.Description.ActionDescriptor.EndpointMetadata;
                IReadOnlyList<Role>? required = metadata.OfType<Http.RequireRoleAttribute>().FirstOrDefault()?.Roles;
                if (required is { } roles)
                {
                    Secure(operation, context.Document, ApiKeyScheme);
                    string names = string.Join(", ", roles.Select(RoleNames.Format));
                    operation.Description = $"Roles: {names} (app-admin passes every check)." + (operation.Description is null ? "" : "\n\n" + operation.Description);
                    Problem(operation, "401", "No valid credentials.");
                    Problem(operation, "403", "The caller lacks the role.");
                }
                else if (metadata.OfType<Http.AdminKeyRequiredAttribute>().Any())
                {
                    Secure(operation, context.Document, AdminKeyScheme);
                    Problem(operation, "401", "No valid admin key.");
                }

                if (metadata.OfType<Idempotency.IdempotentCreateAttribute>().Any())
                {
                    DescribeIdempotencyKey(operation);
                }

                return Task.CompletedTask;
            });
        });

    public static IEndpointConventionBuilder MapHubOpenApi(this IEndpointRouteBuilder app) =>
        app.MapOpenApi(Route).WithTags("Documentation").ExcludeFromDescription();

    // The dashboard's home is routed as an optional parameter only the empty path satisfies (IncidentPages.RootRoute):
    // to its callers it is "/", with no parameter.
    private static void ListTheRootAsRoot(OpenApiDocument document)
    {
        string routed = "/{" + Dashboard.IncidentPages.RootParameter + "}";
        if (document.Paths?.Remove(routed, out IOpenApiPathItem? item) != true || item is not OpenApiPathItem root)
        {
            return;
        }

        root.Parameters?.Clear();
        foreach (OpenApiOperation operation in root.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
        {
            List<IOpenApiParameter> kept = [.. (operation.Parameters ?? []).Where(p => p.Name != Dashboard.IncidentPages.RootParameter)];
            operation.Parameters = kept.Count > 0 ? kept : null;
        }

        document.Paths["/"] = root;
    }

    private static void DescribeIdempotencyKey(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = Idempotency.IdempotentCreates.Header,
            In = ParameterLocation.Header,
            Required = false,
            Description = "Makes a retry of this create apply once: the same key (1-255 printable ASCII characters) with the same method, path and body "
                + "within the retention window (Hub__IdempotencyRetention, default 24 h) gets the first answer again, with Idempotent-Replayed: true. "
                + "Keys are scoped to the caller.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Idempotency.IdempotentCreates.MaxKeyLength },
        });
        Problem(operation, "400", "Invalid input, or an Idempotency-Key header that breaks its rule (1-255 printable ASCII characters).");
        Problem(operation, "409", "A request with this Idempotency-Key is still in progress (Retry-After), or the state refuses the step.");
        Problem(operation, "422", "Invalid input, or this Idempotency-Key was first sent with another request.");
    }

    private static void Secure(OpenApiOperation operation, OpenApiDocument? document, string scheme)
    {
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] });
    }

    private static void Problem(OpenApiOperation operation, string status, string description)
    {
        operation.Responses ??= [];
        operation.Responses.TryAdd(status, new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() },
        });
    }
}
