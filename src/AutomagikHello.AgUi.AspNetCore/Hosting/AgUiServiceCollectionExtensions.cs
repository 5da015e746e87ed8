using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Hosting;
using AutomagikHello.AgUi.Threads;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>Registers the AG-UI hosting services.</summary>
public static class AgUiServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <see cref="AgUiEndpointRouteBuilderExtensions.MapAgUi(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder, string, IAgUiAgent)"/>
    /// needs: the run pipeline, the in-process registry of active runs, telemetry and <see cref="AgUiOptions"/>, bound
    /// from the <c>AgUi</c> configuration section, then <paramref name="configure"/>, and validated when the host starts
    /// (a bad value fails start-up with a message naming it). Calling it again only
    /// adds the further configuration. The thread store is an <see cref="InMemoryThreadStore"/> unless another
    /// <see cref="IThreadStore"/> is registered; configure it with
    /// <c>services.Configure&lt;InMemoryThreadStoreOptions&gt;(...)</c>. Likewise the event log of agents mapped with
    /// <see cref="AgUiEndpointConventionBuilder.WithEventLog"/> is an <see cref="InMemoryRunEventLog"/> unless another
    /// <see cref="IRunEventLog"/> is registered (<c>services.Configure&lt;InMemoryRunEventLogOptions&gt;(...)</c>).
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Configures the options; <see langword="null"/> keeps the defaults.</param>
    /// <returns>A builder for further AG-UI registrations.</returns>
    public static IAgUiBuilder AddAgUi(this IServiceCollection services, Action<AgUiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<AgUiOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AgUiOptions>, AgUiOptionsConfiguration>());
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgUiOptions>, AgUiOptionsValidator>());
        services.AddMetrics();
        // Applies only where the application calls AddOpenApi: MessageContent gets a real schema there.
        services.ConfigureAll<OpenApiOptions>(static openApi => openApi.AddSchemaTransformer<MessageContentSchemaTransformer>());
        services.AddLogging();
        services.AddAgUiRunner();
        // The runner reads its settings from AgUiOptions (they derive from AgUiRunnerOptions): one section, one validator.
        services.Replace(ServiceDescriptor.Singleton<IOptions<AgUiRunnerOptions>>(static provider => provider.GetRequiredService<IOptions<AgUiOptions>>()));
        services.TryAddSingleton<RunRequestReader>();
        services.TryAddSingleton<RunPipeline>();
        services.TryAddSingleton<ThreadOwnerResolver>();

        // Cross-instance cancel: subscribes only when a bus is registered (AddRedisThreadStore registers one).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RunCancellationBusSubscriber>());

        // The event log of endpoints mapped with WithEventLog: in memory unless a durable one is added (SQLite, Redis).
        services.AddOptions<InMemoryRunEventLogOptions>().Validate(
            static inMemory =>
            {
                inMemory.Validate();
                return true;
            }).ValidateOnStart();
        services.TryAddSingleton<IRunEventLog>(static provider => new InMemoryRunEventLog(
            provider.GetRequiredService<IOptions<InMemoryRunEventLogOptions>>().Value, provider.GetRequiredService<TimeProvider>()));
        return new AgUiBuilder(services);
    }
}
