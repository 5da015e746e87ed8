using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

/// <summary>Sends run requests and reads their event streams with <see cref="SseParser"/>.</summary>
public static class Sse
{
    /// <summary>A run request with the headers the official client sends.</summary>
    public static HttpRequestMessage RunRequest(string path, string body, string? accept = "text/event-stream", string? contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return request;
    }

    /// <summary>Posts a run and reads every event of the stream.</summary>
    public static async Task<RunStream> RunAsync(HttpClient client, string path, string body, CancellationToken cancellationToken = default)
    {
        using var request = RunRequest(path, body);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, "a run that starts is answered 200");
        var events = await ReadAllAsync(response, cancellationToken);
        return new RunStream(response, events);
    }

    /// <summary>Reads the stream to its end, parsing each <c>data</c> as JSON.</summary>
    public static async Task<IReadOnlyList<JsonObject>> ReadAllAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var events = new List<JsonObject>();
        await foreach (var item in Parse(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken))
        {
            events.Add(item);
        }

        return events;
    }

    /// <summary>The events of a stream as they arrive.</summary>
    public static async IAsyncEnumerable<JsonObject> Parse(Stream stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var parser = SseParser.Create(stream, static (_, data) => JsonNode.Parse(data)!.AsObject());
        await foreach (var item in parser.EnumerateAsync(cancellationToken))
        {
            yield return item.Data;
        }
    }

    /// <summary>The <c>type</c> of each event, in order.</summary>
    public static IReadOnlyList<string> Types(this IEnumerable<JsonObject> events) => events.Select(e => (string)e["type"]!).ToList();
}

/// <summary>A finished run's response headers and events.</summary>
public sealed record RunStream(HttpResponseMessage Response, IReadOnlyList<JsonObject> Events)
{
    public IReadOnlyList<string> Types => Events.Types();

    public JsonObject Last => Events[^1];

    public JsonObject Single(string type) => Events.Single(e => (string)e["type"]! == type);
}
