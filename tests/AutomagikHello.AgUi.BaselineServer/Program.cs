using System.Collections.Concurrent;
using AutomagikHello.AgUi.BaselineServer;

// The baseline of the hosting benchmark: the same HTTP stack as the demo (WebApplication, Kestrel, routing), but the
// bench endpoint writes precomputed SSE frames with one flush each, with no AG-UI library in between.
//   POST /agents/bench                        -> the frames the demo's bench agent sends (deltas, holdMs as it reads them)
//   POST /agents/bench/threads/{id}/cancel    -> ends a run still holding with RUN_FINISHED outcome cancelled
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

var holding = new ConcurrentDictionary<string, CancellationTokenSource>(StringComparer.Ordinal);
app.MapPost("/agents/bench", context => BenchEndpoint.RunAsync(context, holding));
app.MapPost("/agents/bench/threads/{threadId}/cancel", context => BenchEndpoint.CancelAsync(context, holding));
app.MapGet("/", () => "baseline");

app.Run();
