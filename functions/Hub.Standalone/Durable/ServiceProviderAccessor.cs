namespace Hub.Standalone.Durable;

/// <summary>
/// The host's root service provider for the Durable task factories, which the worker registers before the
/// provider exists and calls without one.
/// </summary>
internal sealed class ServiceProviderAccessor
{
    private IServiceProvider? _services;

    public IServiceProvider Services
    {
        get => _services ?? throw new InvalidOperationException("The standalone host has not been built yet.");
        set => _services = value;
    }
}
