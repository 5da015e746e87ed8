using System.Text.Json;
using AutomagikHello.AgUi.Threads;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// <c>POST {agent}/threads/{threadId}/cancel</c>: stops every active run of the agent on the thread (barge-in).
/// Each stream closes its open items and ends with <c>RUN_FINISHED</c> outcome <c>cancelled</c>; the caller gets
/// 202 with the run ids and what happened (<see cref="CancelRunResponse.Status"/>: a run held by another process is
/// asked to stop, and if its owner is gone its lease is ended), or 404 problem+json (<c>NO_ACTIVE_RUN</c>) when none
/// was active.
/// </summary>
internal sealed class CancelEndpoint(MappedAgent mapped, AgUiEndpointServices services)
{
    private ILogger Logger => field ??= services.Loggers.CreateLogger<CancelEndpoint>();

    public const string ThreadIdRouteValue = "threadId";

    public async Task HandleAsync(HttpContext context)
    {
        var threadId = context.Request.RouteValues[ThreadIdRouteValue] as string ?? string.Empty;
        if (services.Owners.Resolve(context) is not { } owner)
        {
            await new AgUiProblem(AgUiErrorCodes.AuthenticationRequired, "Cancelling a run requires an authenticated caller.")
                .WriteAsync(context).ConfigureAwait(false);
            return;
        }

        // Scoped by owner: another caller's thread with the same id has, for this caller, no active run.
        var stopped = services.Runner.Cancel(mapped.Agent, owner, threadId);
        var status = CancelRunResponse.Cancelling;
        var logger = Logger;
        RunLog.CancelRequested(logger, threadId, stopped.Count);
        if (stopped.Count == 0)
        {
            try
            {
                (stopped, status) = await CancelElsewhereAsync(new ThreadKey(mapped.Name, owner, threadId), logger, context.RequestAborted).ConfigureAwait(false);
            }
            catch (ThreadStoreUnavailableException ex)
            {
                RunLog.StoreUnavailable(logger, ex, threadId);
                await AgUiProblem.StoreUnavailable.WriteAsync(context).ConfigureAwait(false);
                return;
            }
        }

        if (stopped.Count == 0)
        {
            await new AgUiProblem(AgUiErrorCodes.NoActiveRun, $"Thread '{threadId}' has no active run to cancel.")
                .WriteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        var body = new CancelRunResponse { ThreadId = threadId, RunIds = stopped, Status = status };
        await JsonSerializer.SerializeAsync(context.Response.Body, body, AgUiHostingJsonContext.Responses.CancelRunResponse, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels the run holding the thread's live lease in another instance or process (or in this one, before the run is
    /// registered or after it ended without its end recorded), if any. Its owner is asked through the lease (it sees the
    /// request at its next renewal), through the bus when there is one (at once), and, for a run of this process, by
    /// stopping it as soon as it is registered. It answers by ending the run, which releases the lease. Only a missed
    /// renewal proves the owner gone: when the lease is still not renewed <see cref="RenewalGrace"/> after its renewal
    /// was due, it is ended now, so the thread is free, and the run's end stays unrecorded for the next begin to judge.
    /// A live owner renews, so its lease is never ended here, however slow the bus.
    /// </summary>
    private async Task<(IReadOnlyList<string> RunIds, string Status)> CancelElsewhereAsync(ThreadKey key, ILogger logger, CancellationToken cancellationToken)
    {
        var store = services.Store;
        var clock = services.Clock;
        var options = services.Options;
        var record = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        if (record?.Lease is not { } lease || lease.ExpiresAt <= now)
        {
            return ([], CancelRunResponse.Cancelling);
        }

        // A lease of this instance naming no local run: the run has begun but is not registered yet, or it ended without
        // its end recorded (the store failed). Its renewals tell the two apart.
        var own = string.Equals(lease.InstanceId, options.InstanceId, StringComparison.Ordinal);
        var runner = own ? services.Runner : null;

        var runId = lease.RunId;
        var asked = await store.UpdateLeaseAsync(new UpdateLeaseRequest { Key = key, RunId = runId, Update = LeaseUpdate.RequestCancel, Now = now }, cancellationToken).ConfigureAwait(false);
        if (!asked.Succeeded)
        {
            return ([], CancelRunResponse.Cancelling); // it ended meanwhile
        }

        if (!own && services.Bus is { } bus)
        {
            await bus.PublishAsync(new RunCancellation(key, runId), cancellationToken).ConfigureAwait(false);
            RunLog.CancelPublished(logger, key.ThreadId, runId);
        }

        while (true)
        {
            var current = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (current?.Lease is not { } held || !string.Equals(held.RunId, runId, StringComparison.Ordinal))
            {
                return ([runId], CancelRunResponse.Cancelled);
            }

            // The lease as last renewed decides (the owner may have renewed since the cancel began): overdue means gone.
            if (clock.GetUtcNow() >= RenewalOverdueAt(held, options))
            {
                break;
            }

            runner?.Cancel(key, runId);
            await Task.Delay(AnswerPollInterval, clock, cancellationToken).ConfigureAwait(false);
        }

        var ended = await store.UpdateLeaseAsync(new UpdateLeaseRequest { Key = key, RunId = runId, Update = LeaseUpdate.Expire, Now = clock.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        if (!ended.Succeeded)
        {
            return ([runId], CancelRunResponse.Cancelled); // it ended just now
        }

        RunLog.CancelReleasedLease(logger, key.ThreadId, runId, lease.InstanceId);
        return ([runId], CancelRunResponse.Released);
    }

    /// <summary>
    /// When a lease's owner is proven gone: its renewal was due one renewal interval after the last one (or after the
    /// begin), plus <see cref="RenewalGrace"/>; never before the lease would have lapsed anyway when no renewal time is
    /// recorded.
    /// </summary>
    internal static DateTimeOffset RenewalOverdueAt(RunLease lease, AgUiOptions options) =>
        lease.RenewedAt is { } renewed ? renewed + options.RenewalInterval + RenewalGrace : lease.ExpiresAt;

    /// <summary>How late a renewal may be before its owner is taken as gone (timers and store writes are not punctual).</summary>
    internal static readonly TimeSpan RenewalGrace = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan AnswerPollInterval = TimeSpan.FromMilliseconds(50);
}
