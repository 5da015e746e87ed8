using System.Collections.Concurrent;
using AutomagikHello.AgUi.BaselineServer;

// The baseline of the hosting benchmark: the fastest honest bare Kestrel writer. The slim builder (no host filtering,
// no routing: one terminal middleware dispatches on the path), and the bench endpoint reads the whole body, then writes
// precomputed SSE frames with one flush each, with no AG-UI library in between.
//   POST /agents/bench                        -> the frames the demo's bench agent sends (deltas, holdMs as it reads them)
//   POST /agents/bench/threads/{id}/cancel    -> ends a run still holding with RUN_FINISHED outcome cancelled
//   GET  /                                    -> "baseline" (the load client's readiness probe)
var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();

var holding = new ConcurrentDictionary<string, CancellationTokenSource>(StringComparer.Ordinal);
app.Run(context =>
{
    var path = context.Request.Path.Value ?? string.Empty;
    if (HttpMethods.IsPost(context.Request.Method))
    {
        if (path == "/agents/bench")
        {
            return BenchEndpoint.RunAsync(context, holding);
        }

        const string Threads = "/agents/bench/threads/", Cancel = "/cancel";
        if (path.StartsWith(Threads, StringComparison.Ordinal) && path.EndsWith(Cancel, StringComparison.Ordinal) && path.Length > Threads.Length + Cancel.Length)
        {
            return BenchEndpoint.CancelAsync(context, path[Threads.Length..^Cancel.Length], holding);
        }
    }
    else if (path == "/")
    {
        return context.Response.WriteAsync("baseline");
    }

    context.Response.StatusCode = StatusCodes.Status404NotFound;
    return Task.CompletedTask;
});

app.Run();
