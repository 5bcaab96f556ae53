using System.Reflection;
using Hub.Domain.Configuration;
using Hub.Functions.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

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
    public void RuleFor_EveryHttpFunctionOfTheHub_DeclaresRolesOrAnonymousAccess(string function)
    {
        MethodInfo method = HubHttpFunctions().Single(m => $"{m.DeclaringType!.FullName}.{m.Name}" == function);

        HttpFunctionGuard.Rule rule = HttpFunctionGuard.RuleFor(method);

        Assert.True(rule.Roles is { Length: > 0 } || method.GetCustomAttribute<AllowAnonymousAttribute>() is not null);
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

    private static IEnumerable<MethodInfo> HubHttpFunctions() =>
        typeof(HttpFunctionGuard).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null
                        && m.GetParameters().Any(p => p.GetCustomAttribute<HttpTriggerAttribute>() is not null));

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
    }
}
