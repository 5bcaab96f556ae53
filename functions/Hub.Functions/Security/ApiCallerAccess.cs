namespace Hub.Functions.Security;

/// <summary>The authenticated caller of the current request, kept in <see cref="HttpContext.Items"/>.</summary>
public static class ApiCallerAccess
{
    private static readonly object Key = typeof(ApiCaller);

    public static ApiCaller? GetApiCaller(this HttpContext context) =>
        context is not null && context.Items.TryGetValue(Key, out object? caller) ? caller as ApiCaller : null;

    /// <summary>The caller on an endpoint behind <see cref="Http.RequireRoleAttribute"/> (the guard sets it); throws elsewhere.</summary>
    public static ApiCaller GetRequiredApiCaller(this HttpContext context) =>
        context.GetApiCaller() ?? throw new InvalidOperationException("No API caller: the function has no [RequireRole].");

    internal static void SetApiCaller(this HttpContext context, ApiCaller caller) => context.Items[Key] = caller;
}
