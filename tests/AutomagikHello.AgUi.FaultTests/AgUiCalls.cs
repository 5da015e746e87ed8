using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace AutomagikHello.AgUi.FaultTests;

/// <summary>The AG-UI calls the fault tests make against a demo process.</summary>
internal static class AgUiCalls
{
    public static string NewThreadId() => "t-" + Guid.NewGuid().ToString("N");

    /// <summary>Runs the approval agent on a new thread and returns the interrupt it raised.</summary>
    public static async Task<string> RaiseApprovalAsync(HttpClient client, string threadId)
    {
        var events = await RunAsync(client, "/agents/approval", threadId, "r1");
        var finished = events.Last();
        ((string?)finished["type"]).Should().Be("RUN_FINISHED", "the run ends with its interrupt: {0}", finished.ToJsonString());
        var interrupts = finished["outcome"]!["interrupts"]!.AsArray();
        interrupts.Should().HaveCount(1);
        return (string)interrupts[0]!["id"]!;
    }

    /// <summary>Streams one run to its end and returns its events.</summary>
    public static async Task<List<JsonNode>> RunAsync(HttpClient client, string path, string threadId, string runId)
    {
        using var request = RunRequest(path, threadId, runId);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await ProblemAsync(response));
        var events = new List<JsonNode>();
        await foreach (var e in ReadEventsAsync(response))
        {
            events.Add(e);
        }

        return events;
    }

    public static HttpRequestMessage RunRequest(string path, string threadId, string runId)
    {
        var body = new JsonObject
        {
            ["threadId"] = threadId,
            ["runId"] = runId,
            ["messages"] = new JsonArray(new JsonObject { ["id"] = "m1", ["role"] = "user", ["content"] = "email the team" }),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    /// <summary>Resumes through the JSON resume endpoint; returns the outcome (<c>success</c>, <c>error</c>, …) or the HTTP status.</summary>
    public static async Task<string> ResumeAsync(HttpClient client, string threadId, string interruptId)
    {
        var body = new JsonObject
        {
            ["messages"] = new JsonArray(),
            ["resume"] = new JsonArray(new JsonObject { ["interruptId"] = interruptId, ["status"] = "resolved", ["payload"] = new JsonObject { ["approved"] = true } }),
        };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"/agents/approval/threads/{threadId}/resume", content);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"http {(int)response.StatusCode}";
        }

        return (string?)JsonNode.Parse(text)!["outcome"] ?? "none";
    }

    /// <summary>Starts a slow run and returns once its first words arrived; the stream stays open until it is disposed.</summary>
    public static async Task<OpenRun> StartSlowRunAsync(HttpClient client, string threadId, string runId)
    {
        using var request = RunRequest("/agents/slow", threadId, runId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await ProblemAsync(response));
        var run = new OpenRun(response, new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8));
        while (await run.NextEventAsync() is { } e)
        {
            var type = (string?)e["type"];
            if (type == "TEXT_MESSAGE_CONTENT")
            {
                return run;
            }

            type.Should().NotBe("RUN_ERROR", e.ToJsonString());
        }

        run.Dispose();
        throw new InvalidOperationException("The slow run ended before it said anything.");
    }

    /// <summary>The slow agent's thread view.</summary>
    public static async Task<JsonNode> SlowThreadAsync(HttpClient client, string threadId) =>
        JsonNode.Parse(await client.GetStringAsync($"/agents/slow/threads/{threadId}"))!;

    /// <summary>Polls the slow agent's thread view until it no longer says <c>running</c>; returns the seconds since <paramref name="since"/>.</summary>
    public static async Task<double> WaitUntilNotRunningAsync(HttpClient client, string threadId, long since, TimeSpan patience)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(patience.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if ((string?)(await SlowThreadAsync(client, threadId))["status"] != "running")
            {
                return Stopwatch.GetElapsedTime(since).TotalSeconds;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Thread '{threadId}' still says running after {patience.TotalSeconds} s.");
    }

    /// <summary>Cancels the slow agent's run on the thread; returns the status code and the parsed body.</summary>
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> CancelSlowAsync(HttpClient client, string threadId)
    {
        using var response = await client.PostAsync($"/agents/slow/threads/{threadId}/cancel", null);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static async Task<int> EmailsSentAsync(HttpClient client, string threadId)
    {
        var list = JsonNode.Parse(await client.GetStringAsync($"/debug/emails/{threadId}"))!.AsArray();
        return list.Count;
    }

    public static async Task<JsonNode> ThreadAsync(HttpClient client, string threadId) =>
        JsonNode.Parse(await client.GetStringAsync($"/agents/approval/threads/{threadId}"))!;

    public static async IAsyncEnumerable<JsonNode> ReadEventsAsync(HttpResponseMessage response)
    {
        using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && JsonNode.Parse(line.AsSpan(5).Trim().ToString()) is { } node)
            {
                yield return node;
            }
        }
    }

    public static async Task<string> ProblemAsync(HttpResponseMessage response) =>
        response.IsSuccessStatusCode ? string.Empty : await response.Content.ReadAsStringAsync();

    /// <summary>The outcome of a RUN_FINISHED event: its <c>outcome.type</c> (or <c>outcome</c> when a string).</summary>
    public static string? Outcome(JsonNode finished) => finished["outcome"] switch
    {
        JsonObject o => (string?)o["type"],
        JsonValue v => (string?)v,
        _ => null,
    };

    public static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static long Now() => Stopwatch.GetTimestamp();
}

/// <summary>A run whose stream is still open: read on, or dispose it to leave.</summary>
internal sealed class OpenRun(HttpResponseMessage response, StreamReader reader) : IDisposable
{
    /// <summary>The next event, or <see langword="null"/> at the end of the stream.</summary>
    public async Task<JsonNode?> NextEventAsync()
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && JsonNode.Parse(line.AsSpan(5).Trim().ToString()) is { } node)
            {
                return node;
            }
        }

        return null;
    }

    /// <summary>Reads to the end of the stream; returns the last event.</summary>
    public async Task<JsonNode?> LastEventAsync()
    {
        JsonNode? last = null;
        while (await NextEventAsync() is { } e)
        {
            last = e;
        }

        return last;
    }

    public void Dispose()
    {
        reader.Dispose();
        response.Dispose();
    }
}
