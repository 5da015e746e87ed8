using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.Demo.Agents;
using Microsoft.AspNetCore.Builder;
using Xunit.Abstractions;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Interrupts;

/// <summary>
/// The JSON resume endpoint's summary is built as the events pass, with its text bounded: a run with more text than
/// <see cref="AgUiOptions.MaxSummaryTextBytes"/> runs to its end and its summary says it was truncated, keeping the
/// outcome, interrupts and result whole.
/// </summary>
public sealed class ResumeSummaryTests(ITestOutputHelper output)
{
    private const string Chatty = "/agents/chatty";
    private const string Delta = "0123456789";

    /// <summary>Streams <c>forwardedProps.deltas</c> deltas of 10 bytes in one message (two messages when asked), then asks a question.</summary>
    private static void MapChatty(WebApplication app, EmailOutbox _) => app.MapAgUi(Chatty, async (run, cancellationToken) =>
    {
        var props = run.Input.ForwardedProps!.Value;
        var deltas = props.GetProperty("deltas").GetInt32();
        var messages = props.TryGetProperty("messages", out var count) ? count.GetInt32() : 1;
        for (var m = 0; m < messages; m++)
        {
            var message = await run.StartTextMessageAsync();
            for (var i = 0; i < deltas; i++)
            {
                await message.AppendAsync(Delta);
            }

            await message.EndAsync();
        }

        return AgentOutcome.Interrupt(run.RequestConfirmation("Anything else?"));
    });

    private static string Body(int deltas, int messages = 1) =>
        $$$"""{"messages":[{"id":"m1","role":"user","content":"talk"}],"forwardedProps":{"deltas":{{{deltas}}},"messages":{{{messages}}}}}""";

    [Fact]
    public async Task HugeRun_SummaryIsBoundedAndSaysSo_OutcomeAndInterruptsWhole()
    {
        const int deltas = 2_000_000; // 20 MB of text, about 170 MB as SSE
        await using var host = await InterruptHost.StartAsync(MapChatty);
        var thread = RunInputs.NewThreadId();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var peak = heapBefore;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                await Task.Delay(20);
            }
        });

        using var response = await host.SendAsync(HttpMethod.Post, $"{Chatty}/threads/{thread}/resume", Body(deltas));
        var text = await response.Content.ReadAsStringAsync();
        await sampling.CancelAsync();
        await sampler;
        var summary = JsonNode.Parse(text)!;

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        ((string?)summary["outcome"]).Should().Be("interrupt");
        ((string?)summary["interrupts"]![0]!["reason"]).Should().Be("confirmation");
        ((string?)summary["truncated"]!["code"]).Should().Be(AgUiErrorCodes.SummaryTruncated);
        ((long)summary["truncated"]!["limitBytes"]!).Should().Be(new AgUiOptions().MaxSummaryTextBytes);
        var kept = summary["messages"]!.AsArray().Select(m => (string)m!).ToList();
        kept.Should().ContainSingle().Which.Should().StartWith(Delta + Delta);
        Encoding.UTF8.GetByteCount(kept[0]).Should().BeLessThanOrEqualTo(new AgUiOptions().MaxSummaryTextBytes);
        text.Length.Should().BeLessThan(new AgUiOptions().MaxSummaryTextBytes + 64 * 1024, "the answer is bounded, not the run's 20 MB");
        var view = await host.ThreadAsync(Chatty, thread);
        ((string?)view["status"]).Should().Be("interrupted", "the run was not stopped: its interrupt was recorded");
        output.WriteLine($"{deltas:N0} deltas: answer {text.Length:N0} bytes; managed heap {heapBefore / 1e6:F1} MB before, peak {peak / 1e6:F1} MB during (sampled every 20 ms, whole test process)");
    }

    [Fact]
    public async Task TextWithinTheLimit_IsWhole_AndNotMarkedTruncated()
    {
        await using var host = await InterruptHost.StartAsync(MapChatty);
        var thread = RunInputs.NewThreadId();

        using var response = await host.SendAsync(HttpMethod.Post, $"{Chatty}/threads/{thread}/resume", Body(deltas: 1000, messages: 2));
        var summary = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        summary.AsObject().ContainsKey("truncated").Should().BeFalse();
        summary["messages"]!.AsArray().Select(m => (string)m!).Should().Equal(string.Concat(Enumerable.Repeat(Delta, 1000)), string.Concat(Enumerable.Repeat(Delta, 1000)));
    }

    [Fact]
    public async Task ChunkedMessages_AndAMessageTheRunNeverEnded_AreInTheSummary_InTheOrderTheyBegan()
    {
        await using var host = await InterruptHost.StartAsync((app, _) => app.MapAgUi("/agents/chunky", async (run, cancellationToken) =>
        {
            await run.EmitAsync(new TextMessageChunkEvent { MessageId = "c1", Role = TextMessageRole.Assistant, Delta = "Hel" });
            await run.EmitAsync(new TextMessageChunkEvent { MessageId = "c1", Delta = "lo" });
            await run.EmitAsync(new TextMessageChunkEvent { MessageId = "c2", Role = TextMessageRole.Assistant, Delta = "again" });
            var open = await run.StartTextMessageAsync();
            await open.AppendAsync("cut ");
            await open.AppendAsync("short");
            throw new InvalidOperationException("the agent failed mid-message");
        }));
        var thread = RunInputs.NewThreadId();

        using var response = await host.SendAsync(HttpMethod.Post, $"/agents/chunky/threads/{thread}/resume", """{"messages":[{"id":"m1","role":"user","content":"talk"}]}""");
        var summary = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        ((string?)summary["outcome"]).Should().Be("error", summary.ToJsonString());
        summary["messages"]!.AsArray().Select(m => (string)m!).Should().Equal(["Hello", "again", "cut short"], summary.ToJsonString());
    }

    [Fact]
    public async Task SmallLimit_KeepsAPrefix_LaterMessagesDropped_RunCompletes()
    {
        await using var host = await InterruptHost.StartAsync(MapChatty, o => o.MaxSummaryTextBytes = RunSummarySink.MessageOverheadBytes + 25);
        var thread = RunInputs.NewThreadId();

        using var response = await host.SendAsync(HttpMethod.Post, $"{Chatty}/threads/{thread}/resume", Body(deltas: 5, messages: 3));
        var summary = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        ((string?)summary["outcome"]).Should().Be("interrupt");
        ((string?)summary["truncated"]!["code"]).Should().Be(AgUiErrorCodes.SummaryTruncated);
        ((long)summary["truncated"]!["limitBytes"]!).Should().Be(RunSummarySink.MessageOverheadBytes + 25);
        summary["messages"]!.AsArray().Select(m => (string)m!).Should().Equal(Delta + Delta);
    }

    [Fact]
    public async Task RunIdAbsent_IsGenerated_RunIdGiven_IsKept_ThreadIdFromThePath()
    {
        await using var host = await InterruptHost.StartAsync(MapChatty);
        var thread = RunInputs.NewThreadId();

        using var generated = await host.SendAsync(HttpMethod.Post, $"{Chatty}/threads/{thread}/resume", Body(1));
        var first = JsonNode.Parse(await generated.Content.ReadAsStringAsync())!;
        var id = (string)first["interrupts"]![0]!["id"]!;
        using var given = await host.SendAsync(HttpMethod.Post, $"{Chatty}/threads/{thread}/resume",
            $$"""{"runId":"mine","threadId":"{{thread}}","messages":[],"forwardedProps":{"deltas":1},"resume":[{"interruptId":"{{id}}","status":"resolved","payload":true}]}""");
        var second = JsonNode.Parse(await given.Content.ReadAsStringAsync())!;

        ((string?)first["threadId"]).Should().Be(thread);
        ((string?)first["runId"]).Should().MatchRegex("^run_[0-9a-f]{32}$");
        given.StatusCode.Should().Be(HttpStatusCode.OK);
        ((string?)second["runId"]).Should().Be("mine");
        ((string?)second["threadId"]).Should().Be(thread);
    }

    [Theory]
    [InlineData("""{"messages":[],"runId":5}""", "/runId")]
    [InlineData("""{"messages":[],"threadId":5}""", "/threadId")]
    [InlineData("""{"messages":[],"runId":"a","runId":"b"}""", "/runId")]
    [InlineData("""[]""", "")]
    public async Task MalformedIds_AreStill400WithThePath(string body, string path)
    {
        await using var host = await InterruptHost.StartAsync(MapChatty);

        using var response = await host.SendAsync(HttpMethod.Post, $"{Chatty}/threads/t-x/resume", body);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ((string?)problem["path"] ?? string.Empty).Should().Be(path);
    }
}
