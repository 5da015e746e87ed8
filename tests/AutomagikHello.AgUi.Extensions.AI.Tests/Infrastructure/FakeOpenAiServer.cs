using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure;

/// <summary>
/// A local OpenAI-compatible chat-completions server on real Kestrel: each request (its JSON body recorded) is
/// answered with the next scripted list of streamed chunks (the <c>data:</c> lines of the wire format), then
/// <c>data: [DONE]</c>.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Queue<string[]> _responses = new();
    private readonly List<JsonObject> _requests = [];

    private FakeOpenAiServer(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<JsonObject> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeOpenAiServer> StartAsync(params string[][] responses)
    {
        FakeOpenAiServer? server = null;
        var (app, address) = await LoopbackKestrel.StartAsync(_ => { }, app =>
        {
            server = new FakeOpenAiServer(app);
            foreach (var response in responses)
            {
                server._responses.Enqueue(response);
            }

            app.MapPost("/v1/chat/completions", server.AnswerAsync);
        });
        server!.Endpoint = new Uri(address, "/v1");
        return server;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body);
        string[] chunks;
        lock (_requests)
        {
            _requests.Add(body!.AsObject());
            chunks = _responses.Count > 0 ? _responses.Dequeue() : throw new InvalidOperationException("No scripted response left.");
        }

        context.Response.ContentType = "text/event-stream";
        foreach (var chunk in chunks)
        {
            await context.Response.WriteAsync($"data: {chunk}\n\n", Encoding.UTF8);
            await context.Response.Body.FlushAsync();
        }

        await context.Response.WriteAsync("data: [DONE]\n\n", Encoding.UTF8);
    }

    /// <summary>One chunk whose first choice carries <paramref name="delta"/> (a JSON object) and an optional finish reason.</summary>
    public static string Chunk(string delta, string? finishReason = null) =>
        """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"fake-1","choices":[{"index":0,"delta":"""
        + delta + ""","finish_reason":""" + (finishReason is null ? "null" : "\"" + finishReason + "\"") + "}]}";

    /// <summary>The usage chunk sent last when the client asks for usage.</summary>
    public static string Usage(int prompt, int completion) =>
        """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"fake-1","choices":[],"usage":{"prompt_tokens":"""
        + prompt + ""","completion_tokens":""" + completion + ""","total_tokens":""" + (prompt + completion) + "}}";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
