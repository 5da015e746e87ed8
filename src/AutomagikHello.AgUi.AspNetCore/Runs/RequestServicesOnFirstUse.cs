using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// A run's <see cref="AgUiRun.Services"/>: the request's services (<see cref="HttpContext.RequestServices"/>), whose scope
/// ASP.NET Core creates when they are first asked for. A run whose agent never resolves a service never creates the
/// scope, which would otherwise be held for as long as the stream is open (an idle stream included).
/// </summary>
/// <remarks>
/// The request is asked once, while the run lives. After <see cref="End"/> a provider not yet taken is never taken: the
/// server may by then reuse the request object for the connection's next request, whose services are not this run's.
/// Late use fails as it would on the request's disposed scope.
/// </remarks>
internal sealed class RequestServicesOnFirstUse(HttpContext context) : IKeyedServiceProvider, ISupportRequiredService
{
    // The request's own getter creates its scope unsynchronised, and a run's tools may call in parallel: one lock makes
    // the first use one scope, and orders it against End (after which the request object may serve another request).
    // The lock is this object (private to the run; no Lock object more under every held stream).
    private IServiceProvider? _services;
    private bool _ended;

    /// <summary>The run is over: from now on only a provider already taken is used.</summary>
    public void End()
    {
        lock (this)
        {
            _ended = true;
        }
    }

    public object? GetService(Type serviceType) => Services().GetService(serviceType);

    public object GetRequiredService(Type serviceType) => Services().GetRequiredService(serviceType);

    public object? GetKeyedService(Type serviceType, object? serviceKey) => Keyed().GetKeyedService(serviceType, serviceKey);

    public object GetRequiredKeyedService(Type serviceType, object? serviceKey) => Keyed().GetRequiredKeyedService(serviceType, serviceKey);

    private IServiceProvider Services()
    {
        if (Volatile.Read(ref _services) is { } services)
        {
            return services;
        }

        lock (this)
        {
            if (_services is null)
            {
                ObjectDisposedException.ThrowIf(_ended, this);
                Volatile.Write(ref _services, context.RequestServices);
            }

            return _services!;
        }
    }

    private IKeyedServiceProvider Keyed() => Services() as IKeyedServiceProvider
        ?? throw new InvalidOperationException("The request's service provider does not support keyed services.");
}
