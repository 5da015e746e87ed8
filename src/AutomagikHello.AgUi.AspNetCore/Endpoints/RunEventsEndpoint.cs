using System.Globalization;
using System.Text.Json;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// <c>GET {agent}/threads/{threadId}/runs/{runId}/events</c>: a reconnect. Streams every logged event of the run after
/// the id in <c>Last-Event-ID</c> (or <c>?after=</c>; none replays from the start), each as the very frame first sent
/// (<c>id:</c> and <c>data:</c> lines), then tails the log and closes after the terminal event. Unknown or another
/// owner's run: 404; dropped by retention: 410; a bad id: 400 — all problem+json before the stream opens. When the
/// run's instance is gone (its lease not renewed in time, or no lease and no event for a while), the reader finishes
/// the log with <c>RUN_ERROR</c> <see cref="AgUiErrorCodes.RunWriterGone"/>, so the client gets a terminal promptly.
/// </summary>
internal sealed class RunEventsEndpoint(MappedAgent mapped, ThreadEndpoints threads, AgUiEndpointServices services)
{
    public const string RunIdRouteValue = "runId";
    public const string LastEventIdHeader = "Last-Event-ID";
    public const string AfterQuery = "after";

    private const int PageSize = 256;

    /// <summary>How long the log may stay silent, its run no longer holding the thread, before the run is taken as lost.</summary>
    internal static readonly TimeSpan SilenceWithoutLease = TimeSpan.FromSeconds(5);

    /// <summary>How soon a waiting reader asks again after the thread store could not tell whether the run's instance is there.</summary>
    internal static readonly TimeSpan WriterCheckInterval = TimeSpan.FromSeconds(1);

    private ILogger Logger => field ??= services.Loggers.CreateLogger<RunEventsEndpoint>();

    public async Task HandleAsync(HttpContext context)
    {
        if (await threads.ResolveKeyAsync(context).ConfigureAwait(false) is not { } thread)
        {
            return;
        }

        var runId = context.Request.RouteValues[RunIdRouteValue] as string ?? string.Empty;
        if (mapped.EventLog is null)
        {
            await new AgUiProblem(AgUiErrorCodes.RunNotFound, "This agent keeps no event log; its runs cannot be reconnected to.").WriteAsync(context).ConfigureAwait(false);
            return;
        }

        if (ReadAfter(context.Request) is not { } after)
        {
            await new AgUiProblem(AgUiErrorCodes.InvalidEventId, $"The last event id ({LastEventIdHeader} header or '{AfterQuery}' query) must be one whole number from 0 to the run's last event id; when both are given they must agree.")
                .WriteAsync(context).ConfigureAwait(false);
            return;
        }

        var log = services.EventLog;
        var key = new RunLogKey(thread, runId);
        RunLogRead first;
        try
        {
            first = await log.ReadAsync(key, after, PageSize, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ThreadStoreUnavailableException)
        {
            await AgUiProblem.StoreUnavailable.WriteAsync(context).ConfigureAwait(false);
            return;
        }

        switch (first.Status)
        {
            case RunLogStatus.Unknown:
                await new AgUiProblem(AgUiErrorCodes.RunNotFound, $"Run '{runId}' of thread '{thread.ThreadId}' has no event log here.").WriteAsync(context).ConfigureAwait(false);
                return;
            case RunLogStatus.Expired:
                await new AgUiProblem(AgUiErrorCodes.RunExpired, $"The event log of run '{runId}' was dropped by retention; reload the thread instead.").WriteAsync(context).ConfigureAwait(false);
                return;
        }

        if (after > first.LastId)
        {
            await new AgUiProblem(AgUiErrorCodes.InvalidEventId, $"Event id {after} is past the run's last event id ({first.LastId}).").WriteAsync(context).ConfigureAwait(false);
            return;
        }

        using var output = new SseRunEventSink(context.Response.BodyWriter, context);
        output.Open();
        await StreamAsync(context, key, after, first, output).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET {agent}/threads/{threadId}/messages</c>: the thread rebuilt for a reloaded page from its latest run kept in
    /// the log (<see cref="ThreadConversation"/>), as JSON: <c>messages</c> (a <c>MESSAGES_SNAPSHOT</c> event),
    /// <c>state</c> (a <c>STATE_SNAPSHOT</c> event, or null), the run's id and whether it is still running, and
    /// <c>thread</c>, the thread view with its pending interrupts (null when the store no longer has the thread).
    /// </summary>
    public async Task MessagesAsync(HttpContext context)
    {
        if (await threads.ResolveKeyAsync(context).ConfigureAwait(false) is not { } thread)
        {
            return;
        }

        var log = services.EventLog;
        RunLogStart? start = null;
        ThreadRecord? record = null;
        ThreadConversation? conversation = null;
        RunLogRead? read = null;
        try
        {
            if (mapped.EventLog is not null && (start = await log.GetLatestRunAsync(thread, context.RequestAborted).ConfigureAwait(false)) is not null)
            {
                record = await services.Store.GetAsync(thread, context.RequestAborted).ConfigureAwait(false);
                conversation = new ThreadConversation(start.Conversation.Span);
                long after = 0;
                do
                {
                    read = await log.ReadAsync(start.Key, after, PageSize, context.RequestAborted).ConfigureAwait(false);
                    foreach (var entry in read.Entries)
                    {
                        conversation.Apply(entry.Event.Span);
                        after = entry.Id;
                    }
                }
                while (read.Entries.Count > 0 && after < read.LastId);
            }
        }
        catch (ThreadStoreUnavailableException)
        {
            // The thread store or the log's own store is down: nothing was written yet.
            await AgUiProblem.StoreUnavailable.WriteAsync(context).ConfigureAwait(false);
            return;
        }

        if (start is null || conversation is null || read is null)
        {
            await new AgUiProblem(AgUiErrorCodes.RunNotFound, $"No run of thread '{thread.ThreadId}' is kept in an event log here.").WriteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("threadId"u8, thread.ThreadId);
            json.WriteString("runId"u8, start.Key.RunId);
            json.WriteBoolean("running"u8, read.Status == RunLogStatus.Open);
            json.WritePropertyName("messages"u8);
            conversation.WriteMessagesSnapshot(json);
            json.WritePropertyName("state"u8);
            conversation.WriteStateSnapshot(json);
            json.WritePropertyName("thread"u8);
            if (record is null)
            {
                json.WriteNullValue();
            }
            else
            {
                JsonSerializer.Serialize(json, ThreadView.From(record, services.Clock.GetUtcNow()), AgUiHostingJsonContext.Responses.ThreadView);
            }

            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private async Task StreamAsync(HttpContext context, RunLogKey key, long after, RunLogRead read, SseRunEventSink output)
    {
        var log = services.EventLog;
        var clock = services.Clock;
        var aborted = context.RequestAborted;
        var lastWrite = clock.GetTimestamp();
        var lastProgress = lastWrite;
        var lastCheck = lastWrite;
        var checkAfter = TimeSpan.Zero; // the writer is checked when the reader first waits, then when it could be gone
        var heartbeat = services.Options.HeartbeatInterval;
        try
        {
            while (true)
            {
                foreach (var entry in read.Entries)
                {
                    output.WriteFrame(entry.Id, entry.Event.Span);
                    after = entry.Id;
                    if (entry.IsTerminal)
                    {
                        if (await output.FlushAsync(aborted).ConfigureAwait(false))
                        {
                            await output.CompleteAsync().ConfigureAwait(false);
                        }

                        return;
                    }
                }

                if (read.Entries.Count > 0)
                {
                    if (!await output.FlushAsync(aborted).ConfigureAwait(false))
                    {
                        return;
                    }

                    lastWrite = lastProgress = clock.GetTimestamp();
                }

                if (read.Status != RunLogStatus.Open || read.LastId > after)
                {
                    if (read.Status is not RunLogStatus.Open && read.LastId <= after)
                    {
                        // Finished and all sent (the client had the terminal event already), or dropped while read.
                        await output.CompleteAsync().ConfigureAwait(false);
                        return;
                    }

                    read = await log.ReadAsync(key, after, PageSize, aborted).ConfigureAwait(false);
                    continue;
                }

                // Idle: the log is read again only when it wakes the reader; meanwhile heartbeats, and a look at the
                // writer's lease when its renewal could be overdue (a few store round trips a minute, not a second).
                while (true)
                {
                    if (clock.GetElapsedTime(lastCheck) >= checkAfter)
                    {
                        if (await CheckWriterAsync(key, clock.GetElapsedTime(lastProgress), aborted).ConfigureAwait(false) is not { } next)
                        {
                            await log.FinishAsync(key, RunEventLogSink.RunErrorJson(AgUiErrorCodes.RunWriterGone, "The instance running this run is gone; it has no more events. The thread is free again: reload it and run again."), aborted).ConfigureAwait(false);
                            EventLogMessages.WriterGone(Logger, key.Thread.ThreadId, key.RunId);
                            break;
                        }

                        lastCheck = clock.GetTimestamp();
                        checkAfter = next;
                    }

                    if (clock.GetElapsedTime(lastWrite) >= heartbeat)
                    {
                        output.WriteHeartbeat();
                        if (!await output.FlushAsync(aborted).ConfigureAwait(false))
                        {
                            return;
                        }

                        lastWrite = clock.GetTimestamp();
                    }

                    var untilCheck = checkAfter - clock.GetElapsedTime(lastCheck);
                    var untilHeartbeat = heartbeat - clock.GetElapsedTime(lastWrite);
                    var timeout = untilCheck < untilHeartbeat ? untilCheck : untilHeartbeat;
                    if (await log.WaitAsync(key, after, timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero, aborted).ConfigureAwait(false))
                    {
                        break;
                    }
                }

                read = await log.ReadAsync(key, after, PageSize, aborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The reader left.
        }
    }

    /// <summary>
    /// Checks the run's writer: gone (<see langword="null"/>) when its lease was not renewed in time (the instance died),
    /// or the run no longer holds the thread and its log has stayed silent for <see cref="SilenceWithoutLease"/> (a run
    /// records its end just before its terminal event, so a short silence without a lease is normal); otherwise how long
    /// until it could be gone (its renewal overdue, or that silence reached), when to check again. A lease proven dead is
    /// ended here, as the cancel endpoint ends it, so the thread is free when the client is told so rather than when the
    /// lease lapses; its end stays unrecorded for the next begin to judge (claims in doubt).
    /// </summary>
    private async Task<TimeSpan?> CheckWriterAsync(RunLogKey key, TimeSpan silent, CancellationToken cancellationToken)
    {
        try
        {
            var record = await services.Store.GetAsync(key.Thread, cancellationToken).ConfigureAwait(false);
            if (record?.Lease is not { } lease || !string.Equals(lease.RunId, key.RunId, StringComparison.Ordinal))
            {
                return silent >= SilenceWithoutLease ? null : SilenceWithoutLease - silent;
            }

            var now = services.Clock.GetUtcNow();
            var overdueAt = CancelEndpoint.RenewalOverdueAt(lease, services.Options);
            if (now < overdueAt)
            {
                return overdueAt - now;
            }

            // Ended, already lapsed, or taken by the next run meanwhile: the thread is free either way.
            await services.Store.UpdateLeaseAsync(new UpdateLeaseRequest { Key = key.Thread, RunId = key.RunId, Update = LeaseUpdate.Expire, Now = now }, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ThreadStoreUnavailableException)
        {
            return WriterCheckInterval; // cannot tell; ask again soon
        }
    }

    /// <summary>
    /// The id to replay after: <c>Last-Event-ID</c> or <c>?after=</c> (0 when neither), or <see langword="null"/> when
    /// a value is not one whole number of at most 18 digits, appears twice, or the two disagree.
    /// </summary>
    internal static long? ReadAfter(HttpRequest request)
    {
        if (!TryParse(request.Headers[LastEventIdHeader], out var header) || !TryParse(request.Query[AfterQuery], out var query))
        {
            return null;
        }

        return header is { } h && query is { } q ? (h == q ? h : null) : header ?? query ?? 0;
    }

    /// <summary>Reads one optional id: false when present but not one whole number of 1 to 18 digits.</summary>
    private static bool TryParse(StringValues values, out long? id)
    {
        id = null;
        if (values.Count == 0)
        {
            return true;
        }

        if (values.Count > 1 || values[0] is not { Length: > 0 and <= 18 } text)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        id = long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }
}
