using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// Returned by <see cref="AgUiServiceCollectionExtensions.AddAgUi"/> so further packages (thread stores, for
/// instance) can extend the AG-UI registration with their own <c>Add…</c> methods.
/// </summary>
public interface IAgUiBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}
