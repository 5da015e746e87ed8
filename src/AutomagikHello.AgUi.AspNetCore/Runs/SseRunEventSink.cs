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

    /// <summary>Writes one event already serialized (by the event log sink) as a frame carrying its id.</summary>
    public int WriteFrame(long id, ReadOnlySpan<byte> eventJson)
    {
        Open();
        return Frames.Sse.WriteFrame(id, eventJson);
    }

    public int WriteLogged(long id, AgUiEvent agUiEvent, ReadOnlySpan<byte> eventJson) => WriteFrame(id, eventJson);

    public int WriteHeartbeat() => Frames.Sse.WriteHeartbeat();

    public async ValueTask<bool> FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_frames is { } frames)
            {
                _frames = null;
                try
                {
                    output.Write(frames.Written);
                }
                finally
                {
                    RunFrameBuffer.Return(frames);
                }
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
