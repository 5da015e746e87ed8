using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// Whether the application's <see cref="IThreadStore"/> answers: one read of a thread that does not exist, through the
/// store's own contract, so the in-memory, SQLite and Redis stores (and any other) are checked the way runs use them.
/// A store that reports itself unavailable (Redis down) is unhealthy. Then the store's own check, when its registration
/// added one (an <see cref="IHealthCheck"/> keyed by <c>typeof(IThreadStore)</c>: the SQLite store's opens its file anew).
/// </summary>
internal sealed class ThreadStoreHealthCheck(IThreadStore store, IHealthCheck? storeCheck) : IHealthCheck
{
    // No agent, owner or thread is named like this: the read finds nothing and changes nothing.
    private static readonly ThreadKey Probe = new("agui.health", "agui.health", "agui.health");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = new Dictionary<string, object> { ["store"] = store.GetType().Name };
        try
        {
            await store.GetAsync(Probe, cancellationToken).ConfigureAwait(false);
            if (storeCheck is not null)
            {
                var own = await storeCheck.CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
                if (own.Status != HealthStatus.Healthy)
                {
                    return new HealthCheckResult(own.Status, own.Description, own.Exception, data);
                }
            }

            return HealthCheckResult.Healthy("The thread store answers.", data);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any failure of the store is its health: reported, never thrown into the health endpoint.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The thread store does not answer: {ex.Message}", ex, data);
        }
    }
}
