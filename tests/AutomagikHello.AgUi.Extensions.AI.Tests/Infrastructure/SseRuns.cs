using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;

namespace AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure;

/// <summary>A run posted to an agent's endpoint as a client does: the SSE stream read to its end, each event parsed.</summary>
internal static class SseRuns
{
    /// <summary>Posts <paramref name="body"/> and reads the stream to its end; <paramref name="received"/>, when given, sees each event as it arrives (for a test that acts mid-stream).</summary>
    public static async Task<List<JsonObject>> PostAsync(HttpClient client, string agent, string body, Action<JsonObject>? received = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, agent) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var events = new List<JsonObject>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync())
        {
            var parsed = JsonNode.Parse(item.Data)!.AsObject();
            events.Add(parsed);
            received?.Invoke(parsed);
        }

        return events;
    }

    public static IEnumerable<string> Types(List<JsonObject> events) => events.Select(e => (string)e["type"]!);
}
