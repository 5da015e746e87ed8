using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace AutomagikHello.AgUi.FaultTests;

/// <summary>
/// Reads an SSE response frame by frame, as the bytes were sent (a frame is everything up to and including its blank
/// line); heartbeat frames (only <c>:</c> comment lines) are skipped, so their timing cannot make two streams differ.
/// </summary>
internal sealed class SseFrames(HttpResponseMessage response, Stream stream) : IDisposable
{
    private readonly byte[] _buffer = new byte[8192];
    private readonly MemoryStream _pending = new();

    /// <summary>Opens <c>GET {agent}/threads/{threadId}/runs/{runId}/events</c>, with <c>Last-Event-ID</c> when given.</summary>
    public static async Task<SseFrames> ReconnectAsync(HttpClient client, string agent, string threadId, string runId, long? lastEventId, string? owner = null)
    {
        var response = await SendReconnectAsync(client, agent, threadId, runId, lastEventId, owner);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await AgUiCalls.ProblemAsync(response));
        return new SseFrames(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The reconnect request's response, whatever its status (the caller disposes it).</summary>
    public static async Task<HttpResponseMessage> SendReconnectAsync(HttpClient client, string agent, string threadId, string runId, long? lastEventId, string? owner = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{agent}/threads/{threadId}/runs/{runId}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (owner is not null)
        {
            request.Headers.Add(DemoOwnerHeader, owner);
        }

        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>The demo's development-only header naming the caller as a thread owner (with <c>Demo:TestAgents</c>).</summary>
    public const string DemoOwnerHeader = "X-Demo-Owner";

    /// <summary>Starts a run and returns its stream once the response headers arrived.</summary>
    public static async Task<SseFrames> StartRunAsync(HttpClient client, string agent, string threadId, string runId)
    {
        using var request = AgUiCalls.RunRequest(agent, threadId, runId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await AgUiCalls.ProblemAsync(response));
        return new SseFrames(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next frame that is not a heartbeat, with its blank line; <see langword="null"/> at the end of the stream.</summary>
    public async Task<string?> NextAsync()
    {
        while (true)
        {
            var bytes = _pending.GetBuffer().AsSpan(0, (int)_pending.Length);
            var end = bytes.IndexOf("\n\n"u8);
            if (end >= 0)
            {
                var frame = Encoding.UTF8.GetString(bytes[..(end + 2)]);
                var rest = bytes[(end + 2)..].ToArray();
                _pending.SetLength(0);
                _pending.Write(rest);
                if (frame.Split('\n', StringSplitOptions.RemoveEmptyEntries).All(line => line.StartsWith(':')))
                {
                    continue; // a heartbeat
                }

                return frame;
            }

            var read = await stream.ReadAsync(_buffer);
            if (read == 0)
            {
                return null; // a partial frame at the end is not an event: a client drops it
            }

            _pending.Write(_buffer, 0, read);
        }
    }

    /// <summary>Every remaining frame up to the end of the stream.</summary>
    public async Task<List<string>> RestAsync()
    {
        var frames = new List<string>();
        while (await NextAsync() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>A frame's <c>id:</c>.</summary>
    public static long Id(string frame) =>
        long.Parse(frame.Split('\n').Single(line => line.StartsWith("id:", StringComparison.Ordinal))[3..].Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A frame's event.</summary>
    public static JsonNode Event(string frame) =>
        JsonNode.Parse(frame.Split('\n').Single(line => line.StartsWith("data:", StringComparison.Ordinal))[5..].Trim())!;

    public static string Type(string frame) => (string)Event(frame)["type"]!;

    public void Dispose()
    {
        stream.Dispose();
        response.Dispose();
        _pending.Dispose();
    }
}
