using Hub.Domain.Configuration;
using Hub.Functions.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Security;

/// <summary>Test endpoints behind <see cref="HttpFunctionGuard.Refusal"/>: the check a [RequireRole] function gets.</summary>
internal static class GuardedEndpoints
{
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, params Role[] roles)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<HttpFunctionGuard>().Refusal(context.HttpContext, roles) ?? await next(context));
}
