namespace Hub.Functions.Functions;

public static class FunctionHandlerRegistration
{
    /// <summary>Registers a handler; its <see cref="IFunctionHandler.Name"/> must match a function.json folder.</summary>
    public static IServiceCollection AddFunctionHandler<THandler>(this IServiceCollection services)
        where THandler : class, IFunctionHandler =>
        services.AddSingleton<IFunctionHandler, THandler>();

    public static IServiceCollection AddFunctionHandler(this IServiceCollection services, IFunctionHandler handler) =>
        services.AddSingleton(handler);
}
