using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// A run's <see cref="AgUiRun.Services"/>: the request's services (<see cref="HttpContext.RequestServices"/>), whose scope
/// ASP.NET Core creates when they are first asked for. A run whose agent never resolves a service never creates the
/// scope, which would otherwise be held for as long as the stream is open (an idle stream included).
/// </summary>
internal sealed class RequestServicesOnFirstUse(HttpContext context) : IKeyedServiceProvider, ISupportRequiredService
{
    public object? GetService(Type serviceType) => context.RequestServices.GetService(serviceType);

    public object GetRequiredService(Type serviceType) => context.RequestServices.GetRequiredService(serviceType);

    public object? GetKeyedService(Type serviceType, object? serviceKey) => Keyed().GetKeyedService(serviceType, serviceKey);

    public object GetRequiredKeyedService(Type serviceType, object? serviceKey) => Keyed().GetRequiredKeyedService(serviceType, serviceKey);

    private IKeyedServiceProvider Keyed() => context.RequestServices as IKeyedServiceProvider
        ?? throw new InvalidOperationException("The request's service provider does not support keyed services.");
}
