using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.Redis.Tests;

namespace AutomagikHello.AgUi.FaultTests;

/// <summary>
/// A crash between an approved tool's side effect and the run's recorded end: the demo's <c>/approval-hold</c> agent
/// sends the email (appended to a journal file that survives the kill) and then waits, the process is SIGKILLed, and a
/// restarted process on the same store must not accept the same approval again: the interrupt is in doubt until an
/// explicit re-approval, and the email tool deduplicates that re-approval by the answer's idempotency key.
/// </summary>
public sealed class InDoubtFaultTests : IDisposable
{
    private const string Agent = "/agents/approval-hold";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public Task Sqlite_SigkillAfterTheEmailWasSent_SameApprovalIsInDoubt_ReapprovalDoesNotSendAgain() =>
        CrashBetweenSideEffectAndRecordedEndAsync(new Dictionary<string, string>
        {
            ["Demo:Store"] = "sqlite",
            ["Demo:Sqlite"] = $"Data Source={_temp.File("threads.db")}",
        });

    [RedisFact]
    public Task Redis_SigkillAfterTheEmailWasSent_SameApprovalIsInDoubt_ReapprovalDoesNotSendAgain() =>
        CrashBetweenSideEffectAndRecordedEndAsync(new Dictionary<string, string>
        {
            ["Demo:Store"] = "redis",
            ["Demo:Redis"] = RedisTestEnvironment.Address!,
            ["Demo:RedisKeyPrefix"] = $"agui-indoubt-{Guid.NewGuid():N}:",
        });

    private async Task CrashBetweenSideEffectAndRecordedEndAsync(Dictionary<string, string> settings)
    {
        var journal = _temp.File("outbox.jsonl");
        settings["Demo:TestAgents"] = "true";
        settings["Demo:OutboxFile"] = journal;
        settings["Demo:LeaseDuration"] = "00:00:02"; // a dead run's claim lapses 2 s after it began
        var threadId = AgUiCalls.NewThreadId();
        string interruptId;
        await using (var first = await DemoProcess.StartReadyAsync(settings, _temp.Path))
        {
            interruptId = await RaiseAsync(first.Client, threadId);

            // The approved run sends the email and then holds: kill the process in that window.
            using var approved = ResumeRequest(threadId, "r-approved", interruptId);
            using var holding = await first.Client.SendAsync(approved, HttpCompletionOption.ResponseHeadersRead);
            holding.StatusCode.Should().Be(HttpStatusCode.OK);
            await WaitUntilAsync(() => Task.FromResult(SentInJournal(journal) == 1), "the email is sent", first);
            first.Kill();
        }

        await using var second = await DemoProcess.StartReadyAsync(settings, _temp.Path);
        var pending = await WaitForInDoubtAsync(second, threadId);
        ((string?)pending["interrupt"]!["id"]).Should().Be(interruptId);
        ((string?)pending["inDoubtRunId"]).Should().Be("r-approved");

        // The same approval, through the run endpoint and the JSON resume endpoint, and as a plain decision: refused.
        var replayed = await RunAsync(second.Client, ResumeRequest(threadId, "r-replay", interruptId));
        ((string?)replayed.Single()["type"]).Should().Be("RUN_ERROR");
        ((string?)replayed.Single()["code"]).Should().Be("RESUME_IN_DOUBT");
        (await ProblemCodeAsync(second.Client, HttpMethod.Post, $"{Agent}/threads/{threadId}/resume", Body(null, interruptId)))
            .Should().Be((HttpStatusCode.Conflict, "RESUME_IN_DOUBT"));
        (await ProblemCodeAsync(second.Client, HttpMethod.Post, $"{Agent}/threads/{threadId}/interrupts/{interruptId}", """{"status":"resolved","payload":{"approved":true}}"""))
            .Should().Be((HttpStatusCode.Conflict, "RESUME_IN_DOUBT"));
        SentInJournal(journal).Should().Be(1, "nothing was sent again");

        // An explicit re-approval settles the doubt; the resume then runs, and the tool deduplicates by the key.
        using (var reapproved = await second.Client.PostAsync(
            $"{Agent}/threads/{threadId}/interrupts/{interruptId}",
            new StringContent("""{"status":"resolved","payload":{"approved":true},"reapprove":true}""", Encoding.UTF8, "application/json")))
        {
            var view = JsonNode.Parse(await reapproved.Content.ReadAsStringAsync())!;
            reapproved.StatusCode.Should().Be(HttpStatusCode.OK, view.ToJsonString());
            var decided = view["pendingInterrupts"]![0]!;
            decided["inDoubt"].Should().BeNull("the re-approval settled the doubt");
            ((string?)decided["decision"]!["inDoubtRunId"]).Should().Be("r-approved");
        }

        var resumed = await RunAsync(second.Client, ResumeRequest(threadId, "r-reapproved", interruptId));
        AgUiCalls.Outcome(resumed.Last()).Should().Be("success", resumed.Last().ToJsonString());
        var result = resumed.Single(e => (string?)e["type"] == "TOOL_CALL_RESULT");
        ((string?)result["content"]).Should().Contain("re-approval").And.Contain("not sent again");
        SentInJournal(journal).Should().Be(1, "the email tool deduplicated the re-approval by its idempotency key");
        (await AgUiCalls.EmailsSentAsync(second.Client, threadId)).Should().Be(1, "the send before the crash, read back from the journal; none since");
        (await ProblemCodeAsync(second.Client, HttpMethod.Post, $"{Agent}/threads/{threadId}/resume", Body(null, interruptId)))
            .Should().Be((HttpStatusCode.Conflict, "RESUME_ALREADY_APPLIED"));
    }

    private static async Task<string> RaiseAsync(HttpClient client, string threadId)
    {
        var events = await AgUiCalls.RunAsync(client, Agent, threadId, "r-raise");
        AgUiCalls.Outcome(events.Last()).Should().Be("interrupt", events.Last().ToJsonString());
        return (string)events.Last()["outcome"]!["interrupts"]![0]!["id"]!;
    }

    private static HttpRequestMessage ResumeRequest(string threadId, string runId, string interruptId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Agent) { Content = new StringContent(Body(threadId, interruptId, runId), Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    private static string Body(string? threadId, string interruptId, string? runId = null)
    {
        var body = new JsonObject
        {
            ["messages"] = new JsonArray(),
            ["resume"] = new JsonArray(new JsonObject { ["interruptId"] = interruptId, ["status"] = "resolved", ["payload"] = new JsonObject { ["approved"] = true } }),
        };
        if (threadId is not null)
        {
            body["threadId"] = threadId;
            body["runId"] = runId;
        }

        return body.ToJsonString();
    }

    private static async Task<List<JsonNode>> RunAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.StatusCode.Should().Be(HttpStatusCode.OK, await AgUiCalls.ProblemAsync(response));
            var events = new List<JsonNode>();
            await foreach (var e in AgUiCalls.ReadEventsAsync(response))
            {
                events.Add(e);
            }

            return events;
        }
    }

    private static async Task<(HttpStatusCode, string?)> ProblemCodeAsync(HttpClient client, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", text);
        return (response.StatusCode, (string?)JsonNode.Parse(text)!["code"]);
    }

    private static int SentInJournal(string journal) =>
        File.Exists(journal) ? File.ReadAllLines(journal).Count(line => line.Length > 0) : 0;

    // The dead run's 2-second lease lapses: the thread view then shows its claimed interrupt in doubt.
    private static async Task<JsonNode> WaitForInDoubtAsync(DemoProcess demo, string threadId)
    {
        JsonNode? pending = null;
        await WaitUntilAsync(async () =>
        {
            var thread = JsonNode.Parse(await demo.Client.GetStringAsync($"{Agent}/threads/{threadId}"))!;
            pending = thread["pendingInterrupts"]!.AsArray().SingleOrDefault(p => (bool?)p!["inDoubt"] == true);
            return pending is not null;
        }, "the interrupt is in doubt", demo);
        return pending!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, DemoProcess demo)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within 30 s: {what}.\n{demo.Output}");
            }

            await Task.Delay(50);
        }
    }
}
