using System.Buffers;
using System.IO.Pipelines;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The SSE response as a run's event sink: events are framed into a <see cref="RunFrameBuffer"/> (taken when the first
/// frame of a batch is written) and handed to the response in one write when the writer flushes.
/// </summary>
internal sealed class SseRunEventSink(PipeWriter output) : IRunEventSink
{
    private RunFrameBuffer? _frames;

    private RunFrameBuffer Frames => _frames ??= RunFrameBuffer.Rent();

    public int Write(AgUiEvent agUiEvent) => Frames.Sse.WriteEvent(agUiEvent);

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

    public void Dispose()
    {
        if (_frames is { } frames)
        {
            _frames = null;
            RunFrameBuffer.Return(frames);
        }
    }
}
