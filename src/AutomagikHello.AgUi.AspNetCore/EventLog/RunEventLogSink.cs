using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Serialization;
using AutomagikHello.AgUi.Streaming;
using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// A run's event sink that logs every accepted event for reconnects and fans it out to the live receiver (the SSE
/// response, or the JSON resume endpoint's summary): each event gets the next id (1, 2, 3, …) and is serialized once,
/// into its SSE frame (<c>id: N</c> + <c>data:</c>); the JSON inside the frame is appended to the
/// <see cref="IRunEventLog"/> at each flush, and the frames go to a live SSE client after that (so an id a client saw
/// is always in the log). The log is created at the first flush (<c>RUN_STARTED</c>), with the run's
/// conversation serialized then; a run the thread store refused is not logged (its stream still carries an id, and
/// its conversation is never serialized). Memory per running run: none between flushes; during a batch, the JSON of
/// its events' frames in a <see cref="RunFrameBuffer"/> taken from the thread's cache.
/// </summary>
/// <remarks>
/// When the live client is gone and <paramref name="keepRunning"/>, flushing still succeeds: the run goes on into the
/// log until the host's keep-running limit fires the run's receiver-gone token. When the log fails (full, store down),
/// the live stream goes on: the log is finished at once with <c>RUN_ERROR</c> <see cref="AgUiErrorCodes.EventLogFailed"/>
/// so a reconnecting client gets a terminal, and nothing more is logged; with no live client left the run stops.
/// </remarks>
internal sealed class RunEventLogSink(
    IRunEventLog log,
    RunLogKey key,
    DateTimeOffset startedAt,
    RunAgentInput input,
    ILoggedRunReceiver live,
    bool keepRunning,
    ILogger logger,
    CancellationToken liveAborted) : IRunEventSink
{
    // The frames of the events written since the last flush, and where each one's JSON sits in them; the entries
    // handed to the log are rebuilt from these at each flush (the buffer may have moved as it grew) in a list the
    // sink reuses.
    private RunFrameBuffer? _frames;
    private readonly List<(long Id, int Offset, int Length, bool Terminal)> _pending = [];
    private readonly List<RunLogEntry> _entries = [];
    private long _lastId;
    private bool _created;
    private bool _broken;
    private bool _terminalLogged;
    private bool _refused;

    /// <summary>Whether the live client is gone (the run goes on into the log only).</summary>
    public bool LiveGone { get; private set; }

    public int Write(AgUiEvent agUiEvent)
    {
        var id = ++_lastId;
        if (id == 1 && agUiEvent is not RunStartedEvent)
        {
            // A run the thread store refused (its one event is RUN_ERROR) never began: it is not logged, so it
            // cannot stand in for the thread's latest run on a reload.
            _refused = true;
        }

        var frames = _frames ??= RunFrameBuffer.Rent();
        var frameStart = frames.Written.Length;
        var frameLength = frames.Sse.WriteEvent(id, agUiEvent, out var jsonStart, out var jsonLength);
        _pending.Add((id, frameStart + jsonStart, jsonLength, agUiEvent is RunFinishedEvent or RunErrorEvent));
        // What the sink holds unsent is at least the event's frame, kept for the log's next append, even when the live
        // receiver sends no frames (the JSON resume summary): the count is what makes the writer flush.
        return LiveGone ? frameLength : frameLength + live.WriteLogged(agUiEvent);
    }

    public int WriteHeartbeat() => LiveGone ? 0 : live.WriteHeartbeat();

    public async ValueTask<bool> FlushAsync(CancellationToken cancellationToken)
    {
        await AppendAsync().ConfigureAwait(false);
        if (LiveGone)
        {
            ReturnFrames();
            return !_broken;
        }

        bool sent;
        try
        {
            sent = await live.FlushLoggedAsync(_frames is { } frames ? frames.WrittenMemory : default, liveAborted).ConfigureAwait(false);
        }
        finally
        {
            ReturnFrames();
        }

        if (sent)
        {
            return true;
        }

        if (!keepRunning || _broken)
        {
            return false;
        }

        LiveGone = true;
        EventLogMessages.RunOutlivesClient(logger, key.Thread.ThreadId, key.RunId);
        return true;
    }

    public ValueTask CompleteAsync() => LiveGone ? ValueTask.CompletedTask : live.CompleteAsync();

    /// <summary>
    /// After the run: a log left open (the run stopped without a terminal event, its client gone) is finished with
    /// <c>RUN_ERROR</c> <see cref="AgUiErrorCodes.RunAbandoned"/>, so readers are not left waiting.
    /// </summary>
    public async Task FinishAbandonedAsync()
    {
        if (!_created || _broken || _terminalLogged)
        {
            return;
        }

        await FinishQuietlyAsync(AgUiErrorCodes.RunAbandoned, "The run was stopped after its client disconnected; it has no more events.").ConfigureAwait(false);
    }

    public void Dispose()
    {
        ReturnFrames();
        live.Dispose();
    }

    private async ValueTask AppendAsync()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        if (!_broken && !_refused)
        {
            var written = _frames!.WrittenMemory;
            foreach (var (id, offset, length, terminal) in _pending)
            {
                _entries.Add(new RunLogEntry(id, written.Slice(offset, length), terminal));
            }

            try
            {
                if (_created)
                {
                    await log.AppendAsync(key, _entries).ConfigureAwait(false);
                }
                else
                {
                    // The log is created with the run's first events: one write for both.
                    _created = true;
                    if (!await log.CreateAndAppendAsync(new RunLogStart { Key = key, StartedAt = startedAt, Conversation = Conversation(input) }, _entries).ConfigureAwait(false))
                    {
                        // Another run with this id has a log (a client re-sent a run id): it is not this stream's.
                        _broken = true;
                        _created = false;
                        EventLogMessages.EventLogTaken(logger, key.Thread.ThreadId, key.RunId);
                    }
                }

                _terminalLogged = !_broken && _pending[^1].Terminal;
            }
#pragma warning disable CA1031 // Whatever the log throws, the live stream goes on; the log is finished as failed.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _broken = true;
                EventLogMessages.EventLogFailed(logger, ex, key.Thread.ThreadId, key.RunId);
                if (_created)
                {
                    await FinishQuietlyAsync(AgUiErrorCodes.EventLogFailed, "The run's event log could not keep its events; its live stream went on. Reload the thread to see how it ended.").ConfigureAwait(false);
                }
            }
            finally
            {
                _entries.Clear();
            }
        }

        _pending.Clear();
    }

    private void ReturnFrames()
    {
        if (_frames is { } frames)
        {
            _frames = null;
            RunFrameBuffer.Return(frames);
        }
    }

    private async Task FinishQuietlyAsync(string code, string message)
    {
        try
        {
            await log.FinishAsync(key, RunErrorJson(code, message)).ConfigureAwait(false);
            _terminalLogged = true;
        }
#pragma warning disable CA1031 // The log is already failing; the reader's writer-gone check is the last resort.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            EventLogMessages.EventLogFailed(logger, ex, key.Thread.ThreadId, key.RunId);
        }
    }

    /// <summary>A <c>RUN_ERROR</c> event's JSON, as the SSE stream would carry it.</summary>
    internal static byte[] RunErrorJson(string code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new SseEventWriter(buffer);
        writer.WriteEventJson(new RunErrorEvent { Code = code, Message = message });
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The conversation a run begins with, <c>{"messages":[…],"state":…}</c>, from its validated input.</summary>
    internal static byte[] Conversation(RunAgentInput input)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("messages"u8);
            JsonSerializer.Serialize(json, input.Messages, (JsonTypeInfo<IReadOnlyList<Message>>)AgUiJson.Options.GetTypeInfo(typeof(IReadOnlyList<Message>)));
            json.WritePropertyName("state"u8);
            if (input.State is { } state)
            {
                state.WriteTo(json);
            }
            else
            {
                json.WriteNullValue();
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
