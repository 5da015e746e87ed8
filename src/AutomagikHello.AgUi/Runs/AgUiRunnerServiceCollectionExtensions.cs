using System.Diagnostics.Metrics;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.Runs;

/// <summary>Registers the host-neutral run runtime: what runs an agent without a web server.</summary>
public static class AgUiRunnerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="AgUiRunner"/> (resolve it from the provider) with its <see cref="AgUiRunnerOptions"/>, the
    /// registry of the runs it streams and its telemetry. The thread store is an <see cref="InMemoryThreadStore"/>
    /// unless another <see cref="IThreadStore"/> is registered. Logging, metrics (<see cref="IMeterFactory"/>) and the
    /// host's shutdown signal are used when registered, and not required. Calling it again only adds the further
    /// configuration. The options are validated when first read (and at start-up in a generic host's
    /// <c>ValidateOnStart</c>); a bad value throws an <see cref="OptionsValidationException"/> naming it.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Configures the run settings; <see langword="null"/> keeps the defaults.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddAgUiRunner(this IServiceCollection services, Action<AgUiRunnerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<AgUiRunnerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgUiRunnerOptions>, AgUiRunnerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static provider => new AgUiMetrics(provider.GetService<IMeterFactory>()));
        services.TryAddSingleton(static provider => new ActiveRunRegistry(provider.GetService<IHostApplicationLifetime>()));
        services.TryAddSingleton(static provider => new AgUiRunner(
            provider.GetRequiredService<IOptions<AgUiRunnerOptions>>(),
            provider.GetRequiredService<ActiveRunRegistry>(),
            provider.GetRequiredService<AgUiMetrics>(),
            (provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<AgUiRunner>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IThreadStore>()));

        // In memory unless a durable store is added (AddSqliteThreadStore, AddRedisThreadStore, or your own); its
        // settings (services.Configure<InMemoryThreadStoreOptions>) are checked when the host starts.
        services.AddOptions<InMemoryThreadStoreOptions>().Validate(
            static inMemory =>
            {
                inMemory.Validate();
                return true;
            }).ValidateOnStart();
        services.TryAddSingleton<IThreadStore>(static provider =>
            new InMemoryThreadStore(provider.GetRequiredService<IOptions<InMemoryThreadStoreOptions>>().Value));
        return services;
    }
}

/// <summary>Rejects <see cref="AgUiRunnerOptions"/> that cannot work (see <see cref="AgUiRunnerOptions.Validate"/>).</summary>
internal sealed class AgUiRunnerOptionsValidator : IValidateOptions<AgUiRunnerOptions>
{
    public ValidateOptionsResult Validate(string? name, AgUiRunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
