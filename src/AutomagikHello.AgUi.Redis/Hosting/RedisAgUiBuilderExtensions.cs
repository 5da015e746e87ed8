using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Hosting;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AutomagikHello.AgUi.Redis;

/// <summary>Registers the <see cref="RedisThreadStore"/> and the <see cref="RedisRunCancellationBus"/>.</summary>
public static class RedisAgUiBuilderExtensions
{
    /// <summary>
    /// Makes a <see cref="RedisThreadStore"/> the application's <see cref="IThreadStore"/> (replacing the in-memory
    /// default) and a <see cref="RedisRunCancellationBus"/> its <see cref="IRunCancellationBus"/>, so a cancel request
    /// reaching any instance ends the run on whichever instance streams it. The connection is opened once, when first
    /// needed, and kept retrying in the background while Redis is down (requests meanwhile fail with
    /// <c>STORE_UNAVAILABLE</c>); it is closed with the application. Retention is Redis's own key TTLs
    /// (<see cref="RedisThreadStoreOptions.Retention"/>): no sweep is needed. A <see cref="RedisRunEventLog"/> on the same
    /// connection becomes the application's <see cref="IRunEventLog"/> (replacing any registered before), so a reconnect
    /// to any instance tails a run streaming from another.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddAgUi</c>.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</param>
    /// <param name="configure">Configures further settings; <see langword="null"/> keeps the defaults.</param>
    /// <returns>The builder.</returns>
    public static IAgUiBuilder AddRedisThreadStore(this IAgUiBuilder builder, string configuration, Action<RedisThreadStoreOptions>? configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder.AddRedisThreadStore(_ => RedisConnection.Connect(configuration), ownsConnection: true, configure);
    }

    /// <summary>
    /// <see cref="AddRedisThreadStore(IAgUiBuilder, string, Action{RedisThreadStoreOptions}?)"/> with the default settings.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddAgUi</c>.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</param>
    /// <returns>The builder.</returns>
    public static IAgUiBuilder AddRedisThreadStore(this IAgUiBuilder builder, string configuration)
        => builder.AddRedisThreadStore(configuration, configure: null);

    /// <summary>
    /// Like <see cref="AddRedisThreadStore(IAgUiBuilder, string, Action{RedisThreadStoreOptions}?)"/>, over a
    /// connection the application provides (and owns: it is not disposed).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddAgUi</c>.</param>
    /// <param name="connectionFactory">Returns the application's connection; called once.</param>
    /// <param name="configure">Configures further settings (the key prefix, for instance); <see langword="null"/> keeps the defaults.</param>
    /// <returns>The builder.</returns>
    public static IAgUiBuilder AddRedisThreadStore(this IAgUiBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> connectionFactory, Action<RedisThreadStoreOptions>? configure)
        => builder.AddRedisThreadStore(connectionFactory, ownsConnection: false, configure);

    private static IAgUiBuilder AddRedisThreadStore(this IAgUiBuilder builder, Func<IServiceProvider, IConnectionMultiplexer> connectionFactory, bool ownsConnection, Action<RedisThreadStoreOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connectionFactory);
        var services = builder.Services;
        var options = services.AddOptions<RedisThreadStoreOptions>().Validate(
            static options =>
            {
                options.Validate();
                return true;
            });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.RemoveAll<RedisConnection>();
        services.AddSingleton(provider => new RedisConnection(connectionFactory(provider), ownsConnection));
        services.TryAddSingleton(static provider => new RedisThreadStore(
            provider.GetRequiredService<RedisConnection>().Multiplexer,
            provider.GetRequiredService<IOptions<RedisThreadStoreOptions>>().Value,
            provider.GetService<ILogger<RedisThreadStore>>()));
        services.TryAddSingleton(static provider => new RedisRunCancellationBus(
            provider.GetRequiredService<RedisConnection>().Multiplexer,
            provider.GetRequiredService<IOptions<RedisThreadStoreOptions>>().Value,
            provider.GetService<ILogger<RedisRunCancellationBus>>()));
        services.RemoveAll<IThreadStore>();
        services.AddSingleton<IThreadStore>(static provider => provider.GetRequiredService<RedisThreadStore>());
        services.RemoveAllKeyed<IHealthCheck>(typeof(IThreadStore)); // the read through the store is Redis's check
        services.TryAddSingleton(static provider => new RedisRunEventLog(
            provider.GetRequiredService<RedisConnection>().Multiplexer,
            provider.GetRequiredService<IOptions<RedisThreadStoreOptions>>().Value,
            provider.GetService<ILogger<RedisRunEventLog>>()));
        services.RemoveAll<IRunEventLog>();
        services.AddSingleton<IRunEventLog>(static provider => provider.GetRequiredService<RedisRunEventLog>());
        services.RemoveAll<IRunCancellationBus>();
        services.AddSingleton<IRunCancellationBus>(static provider => provider.GetRequiredService<RedisRunCancellationBus>());
        return builder;
    }
}

/// <summary>The connection the store and the bus share; disposed with the container when the registration opened it.</summary>
internal sealed class RedisConnection(IConnectionMultiplexer multiplexer, bool owns) : IDisposable
{
    public IConnectionMultiplexer Multiplexer { get; } = multiplexer;

    /// <summary>
    /// Connects without failing when Redis is down: the multiplexer keeps retrying, and operations meanwhile fail with
    /// <see cref="ThreadStoreUnavailableException"/>.
    /// </summary>
    public static IConnectionMultiplexer Connect(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        return ConnectionMultiplexer.Connect(options);
    }

    public void Dispose()
    {
        if (owns)
        {
            Multiplexer.Dispose();
        }
    }
}
