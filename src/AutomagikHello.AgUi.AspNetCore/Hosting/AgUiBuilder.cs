using AutomagikHello.AgUi.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>The <see cref="IAgUiBuilder"/> handed out by <see cref="AgUiServiceCollectionExtensions.AddAgUi"/>.</summary>
internal sealed class AgUiBuilder(IServiceCollection services) : IAgUiBuilder
{
    public IServiceCollection Services { get; } = services;
}
