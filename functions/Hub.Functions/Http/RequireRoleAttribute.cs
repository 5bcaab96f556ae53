using Hub.Domain.Configuration;

namespace Hub.Functions.Http;

/// <summary>
/// An HTTP function only a caller with one of these roles may call (app-admin passes every check). Every HTTP
/// function carries exactly one of this, <see cref="AdminKeyRequiredAttribute"/> or
/// <see cref="Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute"/> (webhooks that verify their own
/// signatures, health); the hub refuses to start with one that does not (<see cref="HttpFunctionGuard.RuleFor"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequireRoleAttribute : Attribute
{
    public RequireRoleAttribute(params Role[] anyOf)
    {
        ArgumentNullException.ThrowIfNull(anyOf);
        if (anyOf.Length == 0)
        {
            throw new ArgumentException("Name at least one role.", nameof(anyOf));
        }

        Roles = anyOf;
    }

    public IReadOnlyList<Role> Roles { get; }
}

/// <summary>
/// A webhook function behind the intake limit: at most <c>Hub__IntakeConcurrency</c> at once, <c>Hub__IntakeQueue</c>
/// waiting, then 503 with Retry-After (see <see cref="Intake.IntakeLimits"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class IntakeLimitedAttribute : Attribute;

/// <summary>An operator's function that takes the hub's admin key (<c>x-functions-key</c> = Hub__AdminKey), not an API key.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class AdminKeyRequiredAttribute : Attribute;
