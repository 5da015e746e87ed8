using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Serialization;
using AutomagikHello.AgUi.Streaming;
using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// A run's event sink that logs every accepted event for reconnects and fans it out to the live SSE response: each
/// event gets the next id (1, 2, 3, …), its JSON is written once, framed as <c>id: N</c> + <c>data:</c> for the live
/// client and appended to the <see cref="IRunEventLog"/> at each flush, before the live client gets it (so an id a
/// client saw is always in the log). The log is created at the first flush (<c>RUN_STARTED</c>); a run the thread
/// store refused is not logged (its stream still carries an id). Memory per running run: the JSON of the events not yet flushed (up to the flush threshold plus one
/// event), beside the SSE buffer of the live response.
/// </summary>
/// <remarks>
/// When the live client is gone and <paramref name="keepRunning"/>, flushing still succeeds: the run goes on into the
/// log until the host's keep-running limit fires the run's receiver-gone token. When the log fails (full, store down),
/// the live stream goes on: the log is finished at once with <c>RUN_ERROR</c> <see cref="AgUiErrorCodes.EventLogFailed"/>
/// so a reconnecting client gets a terminal, and nothing more is logged; with no live client left the run stops.
/// </remarks>
internal sealed class RunEventLogSink(
    IRunEventLog log,
    RunLogStart start,
    SseRunEventSink live,
    bool keepRunning,
    ILogger logger,
    CancellationToken liveAborted) : IRunEventSink
{
    private const int RetainedBytes = 64 * 1024;

    private ArrayBufferWriter<byte> _json = new(4 * 1024);
    private SseEventWriter? _writer;
    private readonly List<(long Id, int Offset, int Length, bool Terminal)> _pending = [];
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

        var writer = _writer ??= new SseEventWriter(_json);
        var offset = _json.WrittenCount;
        var length = writer.WriteEventJson(agUiEvent);
        _pending.Add((id, offset, length, agUiEvent is RunFinishedEvent or RunErrorEvent));
        return LiveGone ? length : live.WriteFrame(id, _json.WrittenSpan.Slice(offset, length));
    }

    public int WriteHeartbeat() => LiveGone ? 0 : live.WriteHeartbeat();

    public async ValueTask<bool> FlushAsync(CancellationToken cancellationToken)
    {
        await AppendAsync().ConfigureAwait(false);
        if (LiveGone)
        {
            return !_broken;
        }

        if (await live.FlushAsync(liveAborted).ConfigureAwait(false))
        {
            return true;
        }

        if (!keepRunning || _broken)
        {
            return false;
        }

        LiveGone = true;
        EventLogMessages.RunOutlivesClient(logger, start.Key.Thread.ThreadId, start.Key.RunId);
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
        _writer?.Dispose();
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
            try
            {
                if (!_created)
                {
                    _created = true;
                    if (!await log.CreateAsync(start).ConfigureAwait(false))
                    {
                        // Another run with this id has a log (a client re-sent a run id): it is not this stream's.
                        _broken = true;
                        _created = false;
                        EventLogMessages.EventLogTaken(logger, start.Key.Thread.ThreadId, start.Key.RunId);
                    }
                }

                if (!_broken)
                {
                    var written = _json.WrittenMemory;
                    var entries = new RunLogEntry[_pending.Count];
                    for (var i = 0; i < entries.Length; i++)
                    {
                        var (id, offset, length, terminal) = _pending[i];
                        entries[i] = new RunLogEntry(id, written.Slice(offset, length), terminal);
                    }

                    await log.AppendAsync(start.Key, entries).ConfigureAwait(false);
                    _terminalLogged = entries[^1].IsTerminal;
                }
            }
#pragma warning disable CA1031 // Whatever the log throws, the live stream goes on; the log is finished as failed.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _broken = true;
                EventLogMessages.EventLogFailed(logger, ex, start.Key.Thread.ThreadId, start.Key.RunId);
                if (_created)
                {
                    await FinishQuietlyAsync(AgUiErrorCodes.EventLogFailed, "The run's event log could not keep its events; its live stream went on. Reload the thread to see how it ended.").ConfigureAwait(false);
                }
            }
        }

        _pending.Clear();
        if (_json.Capacity > RetainedBytes)
        {
            _json = new ArrayBufferWriter<byte>(4 * 1024);
            _writer?.Reset(_json);
        }
        else
        {
            _json.ResetWrittenCount();
        }
    }

    private async Task FinishQuietlyAsync(string code, string message)
    {
        try
        {
            await log.FinishAsync(start.Key, RunErrorJson(code, message)).ConfigureAwait(false);
            _terminalLogged = true;
        }
#pragma warning disable CA1031 // The log is already failing; the reader's writer-gone check is the last resort.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            EventLogMessages.EventLogFailed(logger, ex, start.Key.Thread.ThreadId, start.Key.RunId);
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
