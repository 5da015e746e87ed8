using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The SSE response as a run's event sink: events are framed into a <see cref="RunFrameBuffer"/> (taken when the first
/// frame of a batch is written) and handed to the response in one write when the writer flushes. Given the request,
/// the sink opens the event stream (status, headers, no buffering) at the first event and completes the response after
/// the terminal one. Given the run's services, it ends them when disposed: the runner disposes its sink last, once the
/// agent has returned.
/// </summary>
internal sealed class SseRunEventSink(PipeWriter output, HttpContext? context = null, RequestServicesOnFirstUse? services = null) : ILoggedRunReceiver
{
    private RunFrameBuffer? _frames;
    private bool _opened;

    /// <summary>Whether the event stream has started (its first event was written).</summary>
    public bool Opened => _opened;

    private RunFrameBuffer Frames => _frames ??= RunFrameBuffer.Rent();

    public int Write(AgUiEvent agUiEvent)
    {
        Open();
        return Frames.Sse.WriteEvent(agUiEvent);
    }

    /// <summary>Writes one event already serialized (a replay from the event log) as a frame carrying its id.</summary>
    public int WriteFrame(long id, ReadOnlySpan<byte> eventJson)
    {
        Open();
        return Frames.Sse.WriteFrame(id, eventJson);
    }

    /// <summary>Opens the stream for a logged event; its frame is the log sink's, handed over at the flush.</summary>
    public int WriteLogged(AgUiEvent agUiEvent)
    {
        Open();
        return 0;
    }

    public int WriteHeartbeat() => Frames.Sse.WriteHeartbeat();

    public ValueTask<bool> FlushAsync(CancellationToken cancellationToken) => FlushLoggedAsync(default, cancellationToken);

    /// <summary>Sends this sink's own frames (a heartbeat), then the log sink's, in one flush.</summary>
    public async ValueTask<bool> FlushLoggedAsync(ReadOnlyMemory<byte> frames, CancellationToken cancellationToken)
    {
        try
        {
            if (_frames is { } own)
            {
                _frames = null;
                try
                {
                    output.Write(own.Written);
                }
                finally
                {
                    RunFrameBuffer.Return(own);
                }
            }

            if (!frames.IsEmpty)
            {
                output.Write(frames.Span);
            }

            var result = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            return !result.IsCompleted && !result.IsCanceled;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            return false;
        }
    }

    public async ValueTask CompleteAsync()
    {
        if (context is null)
        {
            return;
        }

        try
        {
            await context.Response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client left after the terminal event; nothing more to deliver.
        }
    }

    public void Dispose()
    {
        services?.End();
        if (_frames is { } frames)
        {
            _frames = null;
            RunFrameBuffer.Return(frames);
        }
    }

    /// <summary>Starts the response as an event stream, once, before its first event.</summary>
    public void Open()
    {
        if (_opened || context is null)
        {
            return;
        }

        _opened = true;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        var headers = response.Headers;
        headers.CacheControl = "no-cache, no-store, no-transform";
        headers["X-Accel-Buffering"] = "no";
        headers.ContentEncoding = "identity";

        // Compression or any other buffering layer must not hold events back.
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }
}
