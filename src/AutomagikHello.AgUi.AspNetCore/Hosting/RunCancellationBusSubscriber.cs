using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// When an <see cref="IRunCancellationBus"/> is registered, subscribes to it while the host runs and stops the local
/// runs each message names, so a cancel request reaching another instance ends a run streaming from this one. Without
/// a bus it does nothing. A failed subscription (the bus is down at start-up) is retried in the background.
/// </summary>
internal sealed class RunCancellationBusSubscriber(IServiceProvider services, AgUiRunner runner, ILogger<RunCancellationBusSubscriber> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<IRunCancellationBus>() is not { } bus)
        {
            return;
        }

        IAsyncDisposable? subscription = null;
        while (subscription is null)
        {
            try
            {
                subscription = await bus.SubscribeAsync(OnCancellation, stoppingToken).ConfigureAwait(false);
            }
            catch (ThreadStoreUnavailableException ex)
            {
                RunLog.CancelBusSubscribeFailed(logger, ex, RetryDelay.TotalSeconds);
                try
                {
                    await Task.Delay(RetryDelay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }

        await using (subscription.ConfigureAwait(false))
        {
            try
            {
                await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping: unsubscribe.
            }
        }
    }

    private void OnCancellation(RunCancellation cancellation)
    {
        var stopped = runner.Cancel(cancellation.Key, cancellation.RunId);
        if (stopped.Count > 0)
        {
            RunLog.CancelReceived(logger, cancellation.Key.ThreadId, cancellation.RunId, stopped.Count);
        }
    }
}
