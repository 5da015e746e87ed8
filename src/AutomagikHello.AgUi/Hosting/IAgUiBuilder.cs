using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.Hosting;

/// <summary>
/// Returned by <c>AddAgUi</c> so further packages (thread stores, for instance) can extend the AG-UI registration
/// with their own <c>Add…</c> methods. It needs only dependency injection: a store package extends it without
/// referencing ASP.NET Core.
/// </summary>
public interface IAgUiBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}
