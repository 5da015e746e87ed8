using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

public sealed class CancellationTests
{
    private const string Path = "/agents/test";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>An agent that opens a message, says it is talking, then waits on its token; it records what it saw.</summary>
    private sealed class TalkingAgent
    {
        public TaskCompletionSource Talking { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<bool> Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<AgentOutcome> RunAsync(AgUiRun run, CancellationToken cancellationToken)
        {
            var message = await run.StartTextMessageAsync();
            await message.AppendAsync("I am saying something very long");
            Talking.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Stopped.TrySetResult(true);
                throw;
            }

            return AgentOutcome.Success();
        }
    }

    private static async Task<(HttpResponseMessage Response, Task<IReadOnlyList<JsonObject>> Events)> StartRunAsync(HttpClient client, string path, string threadId, string runId = "r1")
    {
        var request = Sse.RunRequest(path, RunInputs.Json(threadId, runId));
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return (response, Sse.ReadAllAsync(response));
    }

    [Fact]
    public async Task Cancel_ActiveRun_Returns202AndTheStreamEndsCancelledAfterClosingOpenItems()
    {
        var agent = new TalkingAgent();
        await using var host = await TestHost.StartAsync(agent.RunAsync);
        var thread = RunInputs.NewThreadId();
        var (response, events) = await StartRunAsync(host.Client, Path, thread, "run-1");
        await agent.Talking.Task.WaitAsync(Patience);

        using var cancel = await host.Client.PostAsync($"{Path}/threads/{thread}/cancel", null);

        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var body = JsonNode.Parse(await cancel.Content.ReadAsStringAsync())!;
        ((string?)body["threadId"]).Should().Be(thread);
        body["runIds"]!.AsArray().Select(r => (string?)r).Should().Equal("run-1");
        var stream = await events.WaitAsync(Patience);
        stream.Types().Should().Equal("RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED");
        ((string?)stream[^1]["outcome"]!["type"]).Should().Be("cancelled");
        stream[^1].ContainsKey("result").Should().BeFalse();
        stream.ShouldBeValidEvents();
        (await agent.Stopped.Task.WaitAsync(Patience)).Should().BeTrue("the agent's token fired");
        response.Dispose();
    }

    [Fact]
    public async Task Cancel_NoActiveRun_Returns404ProblemWithCode()
    {
        await using var host = await TestHost.StartAsync((_, _) => ValueTask.FromResult(AgentOutcome.Success()));

        using var cancel = await host.Client.PostAsync($"{Path}/threads/nobody-home/cancel", null);

        cancel.StatusCode.Should().Be(HttpStatusCode.NotFound);
        cancel.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonNode.Parse(await cancel.Content.ReadAsStringAsync())!;
        ((string?)problem["code"]).Should().Be("NO_ACTIVE_RUN");
        ((int?)problem["status"]).Should().Be(404);
    }

    [Fact]
    public async Task Cancel_AnotherThread_LeavesTheRunAlone()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var talking = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync(async (run, cancellationToken) =>
        {
            talking.TrySetResult();
            await release.Task.WaitAsync(cancellationToken);
            return AgentOutcome.Success();
        });
        var (response, events) = await StartRunAsync(host.Client, Path, "thread-a");
        await talking.Task.WaitAsync(Patience);

        using var cancel = await host.Client.PostAsync($"{Path}/threads/thread-b/cancel", null);
        release.SetResult();

        cancel.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var stream = await events.WaitAsync(Patience);
        ((string?)stream[^1]["outcome"]!["type"]).Should().Be("success");
        response.Dispose();
    }

    [Fact]
    public async Task Run_SecondWhileFirstActiveOnThread_OpensWithThreadBusyAndCancelStopsTheFirst()
    {
        var started = 0;
        var talking = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync(async (run, cancellationToken) =>
        {
            Interlocked.Increment(ref started);
            talking.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return AgentOutcome.Success();
        });
        var thread = RunInputs.NewThreadId();
        var (first, firstEvents) = await StartRunAsync(host.Client, Path, thread, "run-1");
        await talking.Task.WaitAsync(Patience);

        var (second, secondEvents) = await StartRunAsync(host.Client, Path, thread, "run-2");
        var refused = await secondEvents.WaitAsync(Patience);
        using var cancel = await host.Client.PostAsync($"{Path}/threads/{thread}/cancel", null);

        second.StatusCode.Should().Be(HttpStatusCode.OK, "a refused run is a stream that opens with RUN_ERROR");
        refused.Types().Should().Equal("RUN_ERROR");
        ((string?)refused[0]["code"]).Should().Be("THREAD_BUSY");
        started.Should().Be(1, "the refused run's agent never ran");
        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        JsonNode.Parse(await cancel.Content.ReadAsStringAsync())!["runIds"]!.AsArray().Select(r => (string?)r).Should().Equal("run-1");
        ((string?)(await firstEvents.WaitAsync(Patience))[^1]["outcome"]!["type"]).Should().Be("cancelled");
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task Cancel_SameThreadOfAnotherAgent_DoesNotStopThisAgentsRun()
    {
        var agent = new TalkingAgent();
        var other = new TalkingAgent();
        await using var host = await TestHost.StartAsync(app =>
        {
            app.MapAgUi("/agents/a", agent.RunAsync);
            app.MapAgUi("/agents/b", other.RunAsync);
        });
        var (responseA, eventsA) = await StartRunAsync(host.Client, "/agents/a", "shared-thread");
        var (responseB, eventsB) = await StartRunAsync(host.Client, "/agents/b", "shared-thread");
        await agent.Talking.Task.WaitAsync(Patience);
        await other.Talking.Task.WaitAsync(Patience);

        using var cancel = await host.Client.PostAsync("/agents/b/threads/shared-thread/cancel", null);

        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        ((string?)(await eventsB.WaitAsync(Patience))[^1]["outcome"]!["type"]).Should().Be("cancelled");
        eventsA.IsCompleted.Should().BeFalse("agent a's run on the same thread id is another agent's");
        using var cancelA = await host.Client.PostAsync("/agents/a/threads/shared-thread/cancel", null);
        ((string?)(await eventsA.WaitAsync(Patience))[^1]["outcome"]!["type"]).Should().Be("cancelled");
        responseA.Dispose();
        responseB.Dispose();
    }

    [Fact]
    public async Task Cancel_AgentThatIgnoresItsToken_StreamStillEndsPromptly()
    {
        var talking = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agentDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            await run.StartTextMessageAsync();
            talking.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(3), CancellationToken.None); // deaf to cancellation
            agentDone.TrySetResult();
            return AgentOutcome.Success();
        });
        var thread = RunInputs.NewThreadId();
        var (response, events) = await StartRunAsync(host.Client, Path, thread);
        await talking.Task.WaitAsync(Patience);

        var clock = Stopwatch.StartNew();
        using var cancel = await host.Client.PostAsync($"{Path}/threads/{thread}/cancel", null);
        var stream = await events.WaitAsync(Patience);
        clock.Stop();

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2), "the terminal frame does not wait for the agent");
        agentDone.Task.IsCompleted.Should().BeFalse();
        stream.Types().Should().Equal("RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_END", "RUN_FINISHED");
        ((string?)stream[^1]["outcome"]!["type"]).Should().Be("cancelled");
        response.Dispose();
    }

    [Fact]
    public async Task ClientDisconnect_CancelsTheAgentsTokenAndNothingKeepsRunning()
    {
        var agent = new TalkingAgent();
        await using var host = await TestHost.StartAsync(agent.RunAsync);
        var registry = host.Services.GetRequiredService<ActiveRunRegistry>();
        var request = Sse.RunRequest(Path, RunInputs.Json(RunInputs.NewThreadId()));
        var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reading = await response.Content.ReadAsStreamAsync();
        await agent.Talking.Task.WaitAsync(Patience);
        registry.Count.Should().Be(1);

        reading.Dispose();
        response.Dispose();

        (await agent.Stopped.Task.WaitAsync(Patience)).Should().BeTrue("a client disconnect cancels the agent's token");
        var deadline = DateTime.UtcNow + Patience;
        while (registry.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        registry.Count.Should().Be(0, "the run is gone once the client is");
    }

    [Fact]
    public async Task MaxRunDuration_Elapses_EndsTheRunCancelledAndStopsTheAgent()
    {
        var agent = new TalkingAgent();
        await using var host = await TestHost.StartAsync(agent.RunAsync, options => options.MaxRunDuration = TimeSpan.FromMilliseconds(300));

        var clock = Stopwatch.StartNew();
        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250));
        stream.Types.Should().Equal("RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED");
        ((string?)stream.Last["outcome"]!["type"]).Should().Be("cancelled");
        (await agent.Stopped.Task.WaitAsync(Patience)).Should().BeTrue();
    }

    [Fact]
    public async Task MaxRunDuration_RunFinishesInTime_EndsWithItsOwnOutcome()
    {
        await using var host = await TestHost.StartAsync(
            async (run, _) =>
            {
                await run.SendTextMessageAsync("quick");
                return AgentOutcome.Success();
            },
            options => options.MaxRunDuration = TimeSpan.FromSeconds(5));

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        ((string?)stream.Last["outcome"]!["type"]).Should().Be("success");
    }

    [Fact]
    public async Task HostStopping_EndsActiveRunsWithTheCancelledOutcome()
    {
        var agent = new TalkingAgent();
        var host = await TestHost.StartAsync(agent.RunAsync);
        var (response, events) = await StartRunAsync(host.Client, Path, RunInputs.NewThreadId());
        await agent.Talking.Task.WaitAsync(Patience);

        var stopping = host.DisposeAsync().AsTask();

        var stream = await events.WaitAsync(Patience);
        ((string?)stream[^1]["outcome"]!["type"]).Should().Be("cancelled");
        await stopping.WaitAsync(Patience);
        response.Dispose();
    }
}
