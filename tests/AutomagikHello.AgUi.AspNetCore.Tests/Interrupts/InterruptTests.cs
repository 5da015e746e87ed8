using System.Net;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;
using static AutomagikHello.AgUi.AspNetCore.Tests.Interrupts.InterruptStreams;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Interrupts;

/// <summary>The interrupt lifecycle through the HTTP surface: raise, validate, claim, consume, release, decide.</summary>
public sealed class InterruptTests
{
    private const string Approval = "/agents/approval";
    private const string Parallel = "/agents/approval-parallel";

    [Fact]
    public async Task Approval_RaiseThenApprove_SendsOnceWithRecordedCallAndAnswersTheOriginalCall()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();

        var first = await host.RunAsync(Approval, thread, "r1", text: "lunch on friday?");
        var interrupt = first.Interrupts().Should().ContainSingle().Subject;
        var toolCallId = (string)first.Single("TOOL_CALL_START")["toolCallId"]!;
        var view = await host.ThreadAsync(Approval, thread);
        var second = await host.ResumeAsync(Approval, thread, "r2", $"[{Approve((string)interrupt["id"]!)}]");

        ((string?)interrupt["reason"]).Should().Be("tool_call");
        ((string?)interrupt["toolCallId"]).Should().Be(toolCallId);
        interrupt["responseSchema"]!["properties"]!["editedArgs"].Should().NotBeNull();
        ((string?)view["status"]).Should().Be("interrupted");
        ((string?)view["pendingInterrupts"]![0]!["toolCallName"]).Should().Be("sendEmail");
        second.Types.Should().NotContain("TOOL_CALL_START", "the resumed run never re-emits the call");
        ((string?)second.Single("TOOL_CALL_RESULT")["toolCallId"]).Should().Be(toolCallId);
        ((string?)second.Last["outcome"]!["type"]).Should().Be("success");
        var sent = host.Outbox.SentOn(thread).Should().ContainSingle().Subject;
        sent.ToolCallId.Should().Be(toolCallId);
        JsonNode.Parse(sent.Arguments)!["to"]!.GetValue<string>().Should().Be("recipient1@example.com");
        ((string?)(await host.ThreadAsync(Approval, thread))["status"]).Should().Be("idle");
    }

    [Theory]
    [InlineData("""{"approved":false}""")]
    [InlineData(null)]
    public async Task Approval_DeniedOrCancelled_SendsNothing(string? payload)
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;

        var second = await host.ResumeAsync(Approval, thread, "r2", $"[{(payload is null ? Cancel(id) : Approve(id, payload))}]");

        ((string?)second.Last["outcome"]!["type"]).Should().Be("success");
        ((string?)second.Single("TOOL_CALL_RESULT")["content"]).Should().StartWith("not sent");
        host.Outbox.SentOn(thread).Should().BeEmpty();
    }

    [Fact]
    public async Task Approval_WithEditedArgs_SendsTheEditNotTheProposal()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;

        await host.ResumeAsync(Approval, thread, "r2", $$"""[{{Approve(id, """{"approved":true,"editedArgs":{"to":"boss@example.com","subject":"Hi","body":"Edited"}}""")}}]""");

        var sent = host.Outbox.SentOn(thread).Should().ContainSingle().Subject;
        JsonNode.Parse(sent.Arguments)!["to"]!.GetValue<string>().Should().Be("boss@example.com");
    }

    [Fact]
    public async Task Approval_ClientEchoesAnotherToolName_ServerKeepsItsRecordedCall()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;

        await host.ResumeAsync(Approval, thread, "r2", $$"""[{{Approve(id, """{"approved":true,"toolCall":{"name":"deleteEverything","arguments":"{}"}}""")}}]""");

        JsonNode.Parse(host.Outbox.SentOn(thread).Single().Arguments)!["to"]!.GetValue<string>().Should().Be("recipient1@example.com");
    }

    [Fact]
    public async Task Parallel_ThreeInterruptsAnsweredInOneResume_SendsTheApprovedOnes()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var ids = (await host.RunAsync(Parallel, thread, "r1")).Interrupts().Select(i => (string)i["id"]!).ToList();

        var second = await host.ResumeAsync(Parallel, thread, "r2", $"[{Approve(ids[0])},{Approve(ids[1], """{"approved":false}""")},{Cancel(ids[2])}]");

        ids.Should().HaveCount(3).And.OnlyHaveUniqueItems();
        second.Events.Count(e => (string?)e["type"] == "TOOL_CALL_RESULT").Should().Be(3);
        host.Outbox.SentOn(thread).Should().ContainSingle();
    }

    [Fact]
    public async Task Resume_NoResumeWhileInterrupted_IsResumeRequired()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        await host.RunAsync(Approval, thread, "r1");

        (await host.RunAsync(Approval, thread, "r2")).ErrorCode().Should().Be(ThreadErrorCodes.ResumeRequired);
    }

    [Fact]
    public async Task Resume_NewMessageOnIdleThread_RunsNormally()
    {
        await using var host = await InterruptHost.StartAsync(map: (app, _) => app.MapAgUi("/agents/plain", (run, ct) => ValueTask.FromResult(AgentOutcome.Success())));
        var thread = RunInputs.NewThreadId();
        await host.RunAsync("/agents/plain", thread, "r1");

        var second = await host.RunAsync("/agents/plain", thread, "r2");

        ((string?)second.Last["outcome"]!["type"]).Should().Be("success");
    }

    [Fact]
    public async Task Resume_UnknownId_IsUnknownInterrupt_AndLenientModeIgnoresIt()
    {
        await using var strict = await InterruptHost.StartAsync();
        await using var lenient = await InterruptHost.StartAsync(configure: o => o.ResumeValidation = ResumeValidationMode.Lenient);
        foreach (var (host, expectError) in new[] { (strict, true), (lenient, false) })
        {
            var thread = RunInputs.NewThreadId();
            var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;

            var second = await host.ResumeAsync(Approval, thread, "r2", $"[{Approve(id)},{Approve("int_forged")}]");

            if (expectError)
            {
                second.ErrorCode().Should().Be(ThreadErrorCodes.UnknownInterrupt);
            }
            else
            {
                ((string?)second.Last["outcome"]!["type"]).Should().Be("success");
                host.Host.Logs.Entries.Should().Contain(e => e.Message.Contains("int_forged", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task Resume_TwoOfThree_IsPartialResume_ThenAllThreeSucceeds()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var ids = (await host.RunAsync(Parallel, thread, "r1")).Interrupts().Select(i => (string)i["id"]!).ToList();

        var partial = await host.ResumeAsync(Parallel, thread, "r2", $"[{Approve(ids[0])},{Approve(ids[1])}]");
        var complete = await host.ResumeAsync(Parallel, thread, "r3", $"[{Approve(ids[0])},{Approve(ids[1])},{Cancel(ids[2])}]");

        partial.ErrorCode().Should().Be(ThreadErrorCodes.PartialResume);
        ((string?)complete.Last["outcome"]!["type"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().HaveCount(2, "the refused resume sent nothing");
    }

    [Fact]
    public async Task Resume_TwoEntriesForOneInterrupt_IsDuplicate()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;

        (await host.ResumeAsync(Approval, thread, "r2", $"[{Approve(id)},{Cancel(id)}]")).ErrorCode().Should().Be(ThreadErrorCodes.DuplicateResumeEntry);
    }

    [Fact]
    public async Task Resume_PayloadAgainstSchema_IsInvalidPayload_AndTheInterruptStaysOpen()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;

        var invalid = await host.ResumeAsync(Approval, thread, "r2", $$"""[{{Approve(id, """{"approved":"yes"}""")}}]""");
        var cancelWithPayload = await host.ResumeAsync(Approval, thread, "r3", "[{\"interruptId\":\"" + id + "\",\"status\":\"cancelled\",\"payload\":{\"approved\":false}}]");
        var view = await host.ThreadAsync(Approval, thread);
        var valid = await host.ResumeAsync(Approval, thread, "r4", $"[{Approve(id)}]");

        invalid.ErrorCode().Should().Be(ThreadErrorCodes.InvalidResumePayload);
        ((string)invalid.Last["message"]!).Should().Contain("/approved");
        cancelWithPayload.ErrorCode().Should().Be(ThreadErrorCodes.InvalidResumePayload);
        ((string?)view["status"]).Should().Be("interrupted");
        ((string?)valid.Last["outcome"]!["type"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().ContainSingle();
    }

    [Fact]
    public async Task Resume_AfterExpiry_ResolveRefusedButCancelAccepted()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync("/agents/expiring", thread, "r1")).Interrupts()[0]["id"]!;
        await Task.Delay(TimeSpan.FromMilliseconds(400));

        var resolve = await host.ResumeAsync("/agents/expiring", thread, "r2", $"[{Approve(id)}]");
        var cancel = await host.ResumeAsync("/agents/expiring", thread, "r3", $"[{Cancel(id)}]");

        resolve.ErrorCode().Should().Be(ThreadErrorCodes.InterruptExpired);
        ((string?)cancel.Last["outcome"]!["type"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().BeEmpty();
    }

    [Fact]
    public async Task Resume_BeforeExpiry_Resolves()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync("/agents/expiring", thread, "r1")).Interrupts()[0]["id"]!;

        var resolve = await host.ResumeAsync("/agents/expiring", thread, "r2", $"[{Approve(id)}]");

        ((string?)resolve.Last["outcome"]!["type"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().ContainSingle();
    }

    [Fact]
    public async Task Resume_ReplayOfAppliedResume_IsAlreadyApplied_AndSendsNothingMore()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;
        await host.ResumeAsync(Approval, thread, "r2", $"[{Approve(id)}]");

        var replay = await host.ResumeAsync(Approval, thread, "r3", $"[{Approve(id)}]");

        replay.ErrorCode().Should().Be(ThreadErrorCodes.ResumeAlreadyApplied);
        host.Outbox.SentOn(thread).Should().ContainSingle();
    }

    [Fact]
    public async Task Resume_AgentFailsOnce_ClaimIsInDoubt_TheSameResumeIsRefusedUntilReapproved_ThenOneEmail()
    {
        var failures = 1;
        await using var host = await InterruptHost.StartAsync(map: (app, outbox) => app.MapAgUi("/agents/flaky", async (run, ct) =>
        {
            if (run.Resume.Count == 0)
            {
                var call = await run.SendToolCallAsync("sendEmail", """{"to":"a@b.c"}""");
                return AgentOutcome.Interrupt(run.RequestToolApproval(call));
            }

            if (Interlocked.Decrement(ref failures) >= 0)
            {
                throw new InvalidOperationException("mail server down");
            }

            outbox.Send(run.ThreadId, run.Resume[0].Interrupt.ToolCallId!, run.Resume[0].ToolCallArguments!);
            return AgentOutcome.Success();
        }));
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync("/agents/flaky", thread, "r1")).Interrupts()[0]["id"]!;

        var failed = await host.ResumeAsync("/agents/flaky", thread, "r2", $"[{Approve(id)}]");
        var view = await host.ThreadAsync("/agents/flaky", thread);
        var retried = await host.ResumeAsync("/agents/flaky", thread, "r3", $"[{Approve(id)}]");
        using var reapproved = await host.SendAsync(HttpMethod.Post, $"/agents/flaky/threads/{thread}/interrupts/{id}", """{"status":"resolved","payload":{"approved":true},"reapprove":true}""");
        var resumed = await host.ResumeAsync("/agents/flaky", thread, "r4", $"[{Approve(id)}]");

        ((string?)failed.Last["type"]).Should().Be("RUN_ERROR");
        ((string?)failed.Last["code"]).Should().Be("AGENT_ERROR");
        ((bool?)view["pendingInterrupts"]![0]!["inDoubt"]).Should().BeTrue(view.ToJsonString());
        ((string?)view["pendingInterrupts"]![0]!["inDoubtRunId"]).Should().Be("r2");
        retried.ErrorCode().Should().Be(ThreadErrorCodes.ResumeInDoubt, "the failed run may have sent the email: the approval is not applied again silently");
        reapproved.StatusCode.Should().Be(HttpStatusCode.OK, await reapproved.Content.ReadAsStringAsync());
        ((string?)resumed.Last["outcome"]!["type"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().ContainSingle();
    }

    [Fact]
    public async Task Resume_ClientDisconnectsMidRun_ClaimIsInDoubt_ACancelThenSettlesIt()
    {
        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = 0;
        await using var host = await InterruptHost.StartAsync(map: (app, outbox) => app.MapAgUi("/agents/hanging", async (run, ct) =>
        {
            if (run.Resume.Count == 0)
            {
                return AgentOutcome.Interrupt(run.RequestConfirmation("Go?"));
            }

            if (Interlocked.Increment(ref attempts) == 1)
            {
                hang.TrySetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }

            return AgentOutcome.Success();
        }));
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync("/agents/hanging", thread, "r1")).Interrupts()[0]["id"]!;

        using (var cts = new CancellationTokenSource())
        {
            using var request = Sse.RunRequest("/agents/hanging", RunInputs.Json(thread, "r2", "x", i => i["resume"] = JsonNode.Parse($"[{Approve(id, "true")}]")));
            request.Headers.Add("X-User", "alice");
            using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            await hang.Task.WaitAsync(TimeSpan.FromSeconds(10));
            cts.Cancel();
        }

        JsonObject view;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            await Task.Delay(50);
            view = await host.ThreadAsync("/agents/hanging", thread);
        }
        while ((string?)view["status"] != "interrupted" && DateTime.UtcNow < deadline);

        var again = await host.ResumeAsync("/agents/hanging", thread, "r3", $"[{Approve(id, "true")}]");
        var cancelled = await host.ResumeAsync("/agents/hanging", thread, "r4", $$"""[{"interruptId":"{{id}}","status":"cancelled"}]""");

        ((string?)view["status"]).Should().Be("interrupted", "the dropped run freed the thread");
        ((bool?)view["pendingInterrupts"]![0]!["inDoubt"]).Should().BeTrue("the agent ran with the answer: it may have acted on it");
        again.ErrorCode().Should().Be(ThreadErrorCodes.ResumeInDoubt);
        ((string?)cancelled.Last["outcome"]!["type"]).Should().Be("success", "a cancel is always accepted");
    }

    [Fact]
    public async Task Run_ThreadHeldByACrashedInstance_IsBusyUntilTheLeaseExpires()
    {
        await using var host = await InterruptHost.StartAsync(configure: o => o.LeaseDuration = TimeSpan.FromMilliseconds(300),
            map: (app, _) => app.MapAgUi("/agents/plain", (run, ct) => ValueTask.FromResult(AgentOutcome.Success())));
        var thread = RunInputs.NewThreadId();
        var store = host.Host.Services.GetRequiredService<IThreadStore>();
        // Another process began a run and died without completing it.
        await store.BeginRunAsync(new BeginRunRequest
        {
            Key = new ThreadKey("/agents/plain", "alice", thread),
            RunId = "crashed",
            InstanceId = "dead-host",
            LeaseDuration = TimeSpan.FromMilliseconds(300),
            Now = DateTimeOffset.UtcNow,
        });

        var busy = await host.RunAsync("/agents/plain", thread, "r1");
        await Task.Delay(400);
        var after = await host.RunAsync("/agents/plain", thread, "r2");

        busy.ErrorCode().Should().Be(ThreadErrorCodes.ThreadBusy);
        ((string?)after.Last["outcome"]!["type"]).Should().Be("success");
    }

    [Fact]
    public async Task Resume_HundredConcurrentResumes_ExactlyOneSucceedsAndSendsOnce_Repeated()
    {
        const int rounds = 200;
        const int racers = 100;
        await using var host = await InterruptHost.StartAsync();
        host.Client.DefaultRequestHeaders.ConnectionClose = false;
        for (var round = 0; round < rounds; round++)
        {
            var thread = RunInputs.NewThreadId();
            var id = (string)(await host.RunAsync(Approval, thread, "r0")).Interrupts()[0]["id"]!;
            using var gate = new ManualResetEventSlim(false);

            var results = await Task.WhenAll(Enumerable.Range(0, racers).Select(i => Task.Run(async () =>
            {
                gate.Wait();
                var stream = await host.ResumeAsync(Approval, thread, $"r{i + 1}", $"[{Approve(id)}]");
                return stream.Last;
            })).Append(Task.Run(() => { gate.Set(); return new JsonObject(); })));

            var outcomes = results.Take(racers).Select(e => (string?)e["type"] == "RUN_FINISHED" ? "success" : (string?)e["code"]).ToList();
            outcomes.Count(o => o == "success").Should().Be(1, $"round {round}: {string.Join(",", outcomes.Distinct())}");
            outcomes.Where(o => o != "success").Should().OnlyContain(o => o == ThreadErrorCodes.ThreadBusy || o == ThreadErrorCodes.ResumeAlreadyApplied);
            host.Outbox.SentOn(thread).Should().ContainSingle($"round {round}");
        }
    }
}
