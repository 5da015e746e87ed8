using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// Cuts the event streams open right now by aborting their connections on the server (Kestrel drops the TCP connection):
/// what a proxy that caps long streams, or a network that goes away, does to them. Chromium's offline mode cannot stand
/// in for it: it fails new requests but lets a response already streaming go on (checked: an answer kept growing while
/// <c>navigator.onLine</c> was false). The tests use both: offline so reconnects fail until the network is back, and
/// this so the open stream really breaks. The demo itself is unchanged; this sits in front of its pipeline.
/// </summary>
public sealed class StreamCutter : IStartupFilter
{
    private readonly ConcurrentDictionary<HttpContext, byte> _streams = new();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (!context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal))
            {
                await nextMiddleware(context);
                return;
            }

            _streams.TryAdd(context, 0);
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                _streams.TryRemove(context, out _);
            }
        });
        next(app);
    };

    /// <summary>
    /// Aborts the connection of every event stream still connected; returns how many it cut. A stream whose client
    /// already left is skipped: its run may go on (kept running after a disconnect), but it has no connection to cut.
    /// </summary>
    public int CutAll()
    {
        var cut = 0;
        foreach (var context in _streams.Keys)
        {
            if (!context.RequestAborted.IsCancellationRequested && _streams.TryRemove(context, out _))
            {
                context.Abort();
                cut++;
            }
        }

        return cut;
    }
}
