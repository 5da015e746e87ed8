using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>Registers the AG-UI health checks with ASP.NET Core's health checks.</summary>
public static class AgUiHealthChecksBuilderExtensions
{
    /// <summary>The name <see cref="AddAgUiThreadStore"/> gives its check unless told otherwise: <c>agui-thread-store</c>.</summary>
    public const string ThreadStoreCheckName = "agui-thread-store";

    /// <summary>
    /// Adds a check that the application's <see cref="IThreadStore"/> answers (whichever is registered: in memory,
    /// SQLite, Redis or your own): one read through the store, healthy when it answers, <paramref name="failureStatus"/>
    /// when it fails (a SQLite file that cannot be read, Redis down), with the store's type in the result's data.
    /// A store's registration may add a check of its own, run after the read: an <see cref="IHealthCheck"/> keyed by
    /// <c>typeof(IThreadStore)</c> (the SQLite store's opens its file anew). Report it with
    /// <c>app.MapHealthChecks("/healthz")</c>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name; <see cref="ThreadStoreCheckName"/> by default.</param>
    /// <param name="failureStatus">The status when the store fails; <see cref="HealthStatus.Unhealthy"/> by default.</param>
    /// <param name="tags">Tags to filter checks by (for instance <c>ready</c>).</param>
    /// <param name="timeout">How long the check may take; no limit of its own by default.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddAgUiThreadStore(
        this IHealthChecksBuilder builder,
        string name = ThreadStoreCheckName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            static provider => new ThreadStoreHealthCheck(
                provider.GetRequiredService<IThreadStore>(),
                provider.GetKeyedService<IHealthCheck>(typeof(IThreadStore))),
            failureStatus,
            tags,
            timeout));
    }
}
