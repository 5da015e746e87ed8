using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// The server's side of a barge-in on the wall clock (Unix milliseconds, the clock a page reads as
/// <c>performance.timeOrigin + performance.now()</c>), for the latency harness: when each cancel request reached the
/// pipeline and when it was handled, on which connection and the how-many-th request on it; when a stream's
/// <c>RUN_FINISHED</c> frame was handed to Kestrel. <c>GET /__timeline/clock</c> answers the server's clock, so the harness
/// can check the two clocks agree. Test host only: it sits in front of the demo's pipeline and changes nothing in it.
/// </summary>
public sealed class ServerTimeline : IStartupFilter
{
    public const string ClockPath = "/__timeline/clock";

    private static readonly byte[] TerminalMarker = "\"type\":\"RUN_FINISHED\""u8.ToArray();
    private readonly ConcurrentDictionary<string, int> _requestsPerConnection = new();
    private readonly ConcurrentDictionary<string, CancelTiming> _cancels = new();
    private readonly ConcurrentDictionary<string, TerminalTiming> _terminals = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();

    /// <summary>The wall clock in Unix milliseconds, to the microsecond.</summary>
    public static double NowMs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerMillisecond;

    /// <summary>The first cancel request for the thread (<see langword="null"/> when none came).</summary>
    public CancelTiming? Cancel(string threadId) => _cancels.GetValueOrDefault(threadId);

    /// <summary>When the thread's first RUN_FINISHED frame was handed to Kestrel (<see langword="null"/> before).</summary>
    public TerminalTiming? Terminal(string threadId) => _terminals.GetValueOrDefault(threadId);

    /// <summary>How many requests the server received whose path ends with <paramref name="suffix"/>.</summary>
    public int Count(string suffix) => _counts.Where(p => p.Key.EndsWith(suffix, StringComparison.Ordinal)).Sum(p => p.Value);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var arrived = NowMs();
            var connection = context.Connection.Id;
            var nth = _requestsPerConnection.AddOrUpdate(connection, 1, (_, n) => n + 1);
            var path = context.Request.Path.Value ?? "";
            _counts.AddOrUpdate(path, 1, (_, n) => n + 1);
            if (path == ClockPath)
            {
                context.Response.ContentType = "text/plain";
                context.Response.Headers.CacheControl = "no-store";
                await context.Response.WriteAsync(arrived.ToString("R", CultureInfo.InvariantCulture));
                return;
            }

            if (HttpMethods.IsPost(context.Request.Method) && path.EndsWith("/cancel", StringComparison.Ordinal))
            {
                var threads = ThreadPool.ThreadCount;
                var pending = ThreadPool.PendingWorkItemCount;
                await nextMiddleware(context);
                var threadId = Uri.UnescapeDataString(path.Split('/')[^2]);
                _cancels.TryAdd(threadId, new CancelTiming(arrived, NowMs(), context.Response.StatusCode, connection, nth, threads, pending));
                return;
            }

            if (context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal)
                && context.Features.Get<IHttpResponseBodyFeature>() is { } body)
            {
                context.Features.Set<IHttpResponseBodyFeature>(new WatchedBody(body, new TerminalWatch(body.Writer, this, connection)));
            }

            await nextMiddleware(context);
        });
        next(app);
    };

    private void Record(string frame, double writtenAt, double flushedAt, string connection)
    {
        const string Key = "\"threadId\":\"";
        var start = frame.IndexOf(Key, StringComparison.Ordinal);
        if (start < 0)
        {
            return;
        }

        start += Key.Length;
        var threadId = frame[start..frame.IndexOf('"', start)];
        _terminals.TryAdd(threadId, new TerminalTiming(writtenAt, flushedAt, connection));
    }

    /// <summary>
    /// A cancel request: reached the pipeline, handled (the 202 written), status, connection, its place on it (1: a new
    /// connection), and the process's thread pool when it arrived (threads, work items waiting for one).
    /// </summary>
    public sealed record CancelTiming(double ArrivedMs, double HandledMs, int Status, string Connection, int RequestOnConnection, int PoolThreads, long PoolPending);

    /// <summary>A RUN_FINISHED frame: its flush began (the frame written to Kestrel's pipe) and ended.</summary>
    public sealed record TerminalTiming(double WrittenMs, double FlushedMs, string Connection);

    private sealed class WatchedBody(IHttpResponseBodyFeature inner, PipeWriter writer) : IHttpResponseBodyFeature
    {
        public Stream Stream => inner.Stream;

        public PipeWriter Writer => writer;

        public Task CompleteAsync() => inner.CompleteAsync();

        public void DisableBuffering() => inner.DisableBuffering();

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
            inner.SendFileAsync(path, offset, count, cancellationToken);

        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
    }

    /// <summary>Passes everything to the response's writer; notes the flush that carries a RUN_FINISHED frame.</summary>
    private sealed class TerminalWatch(PipeWriter inner, ServerTimeline timeline, string connection) : PipeWriter
    {
        private Memory<byte> _last;
        private string? _terminal;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _last = inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            var written = _last.Span[..bytes];
            if (_terminal is null && written.IndexOf(TerminalMarker) >= 0)
            {
                _terminal = Encoding.UTF8.GetString(written);
            }

            inner.Advance(bytes);
        }

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            var frame = _terminal;
            var writtenAt = NowMs();
            var result = await inner.FlushAsync(cancellationToken);
            if (frame is not null)
            {
                _terminal = null;
                timeline.Record(frame, writtenAt, NowMs(), connection);
            }

            return result;
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;
    }
}
