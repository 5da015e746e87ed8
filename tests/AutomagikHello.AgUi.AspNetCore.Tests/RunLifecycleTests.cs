using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

public sealed class RunLifecycleTests
{
    private const string Path = "/agents/test";

    [Fact]
    public async Task Run_PlainTextAgent_StreamsStartedMessageAndFinishedInOrder()
    {
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            await run.SendTextMessageAsync("hi there", messageId: "a1");
            return AgentOutcome.Success();
        });

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json("t1", "r1"));

        stream.Types.Should().Equal("RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED");
        var started = stream.Events[0];
        ((string?)started["threadId"]).Should().Be("t1");
        ((string?)started["runId"]).Should().Be("r1");
        ((string?)started["protocolVersion"]).Should().Be("1.0");
        ((string?)stream.Events[2]["delta"]).Should().Be("hi there");
        ((string?)stream.Events[2]["messageId"]).Should().Be("a1");
        var finished = stream.Last;
        ((string?)finished["threadId"]).Should().Be("t1");
        ((string?)finished["runId"]).Should().Be("r1");
        ((string?)finished["outcome"]!["type"]).Should().Be("success");
        finished["outcome"]!.AsObject().ContainsKey("pendingToolCallIds").Should().BeFalse("no frontend tool call is pending");
        finished.ContainsKey("result").Should().BeFalse();
        stream.Events.ShouldBeValidEvents();
    }

    [Fact]
    public async Task Run_SuccessWithResult_CarriesResultOnRunFinished()
    {
        await using var host = await TestHost.StartAsync((_, _) =>
            ValueTask.FromResult(AgentOutcome.Success(JsonDocument.Parse("""{"answer":42}""").RootElement)));

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        stream.Types.Should().Equal("RUN_STARTED", "RUN_FINISHED");
        JsonNode.DeepEquals(stream.Last["result"], JsonNode.Parse("""{"answer":42}""")).Should().BeTrue();
        ((string?)stream.Last["outcome"]!["type"]).Should().Be("success");
    }

    [Fact]
    public async Task Run_InterruptOutcome_FinishesWithTheInterrupts()
    {
        await using var host = await TestHost.StartAsync((_, _) => ValueTask.FromResult(AgentOutcome.Interrupt(
            new Interrupt { Id = "i1", Reason = InterruptReasons.Confirmation, Message = "Proceed?" },
            new Interrupt { Id = "i2", Reason = InterruptReasons.InputRequired })));

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        var outcome = stream.Last["outcome"]!;
        ((string?)outcome["type"]).Should().Be("interrupt");
        outcome["interrupts"]!.AsArray().Select(i => (string?)i!["id"]).Should().Equal("i1", "i2");
        ((string?)outcome["interrupts"]![0]!["reason"]).Should().Be("confirmation");
        stream.Last.ContainsKey("result").Should().BeFalse();
        stream.Events.ShouldBeValidEvents();
    }

    [Fact]
    public async Task Run_CancelledOutcome_FinishesCancelledAfterClosingOpenItems()
    {
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            var message = await run.StartTextMessageAsync("m-open");
            await message.AppendAsync("half a sen");
            return AgentOutcome.Cancelled();
        });

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        stream.Types.Should().Equal("RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED");
        ((string?)stream.Last["outcome"]!["type"]).Should().Be("cancelled");
        stream.Last.ContainsKey("result").Should().BeFalse("a cancelled run carries no result");
    }

    [Fact]
    public void AgentOutcome_InterruptWithoutInterrupts_Throws()
    {
        FluentActions.Invoking(() => AgentOutcome.Interrupt()).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => AgentOutcome.Interrupt(
                new Interrupt { Id = "same", Reason = "x" },
                new Interrupt { Id = "same", Reason = "y" }))
            .Should().Throw<ArgumentException>().WithMessage("*same*");
    }

    [Fact]
    public async Task Run_AgentLeavesItemsOpen_ClosesThemInnermostFirstBeforeRunFinished()
    {
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            await run.StartStepAsync("plan");
            await run.StartTextMessageAsync("answer-1");
            await run.StartToolCallAsync("search", toolCallId: "c1");
            var reasoning = await run.StartReasoningAsync("rs1");
            await reasoning.StartMessageAsync("rm1");
            return AgentOutcome.Success();
        }, options => options.IncludeExceptionDetails = true);

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        stream.Types.Should().Equal(new[] {
            "RUN_STARTED", "STEP_STARTED", "TEXT_MESSAGE_START", "TOOL_CALL_START", "REASONING_START", "REASONING_MESSAGE_START",
            "REASONING_MESSAGE_END", "REASONING_END", "TOOL_CALL_END", "TEXT_MESSAGE_END", "STEP_FINISHED", "RUN_FINISHED" },
            stream.Last.ToJsonString());
        ((string?)stream.Single("TOOL_CALL_END")["toolCallId"]).Should().Be("c1");
        ((string?)stream.Single("STEP_FINISHED")["stepName"]).Should().Be("plan");
        stream.Events.ShouldBeValidEvents();
    }

    [Fact]
    public async Task Run_AgentClosesEverything_AddsNoClosingEvents()
    {
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            await run.StartStepAsync("plan");
            await run.SendTextMessageAsync("done");
            await run.FinishStepAsync("plan");
            return AgentOutcome.Success();
        });

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        stream.Types.Should().Equal("RUN_STARTED", "STEP_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "STEP_FINISHED", "RUN_FINISHED");
    }

    [Fact]
    public async Task Run_FrontendToolCallLeftUnanswered_SuccessListsPendingToolCallIds()
    {
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            await run.SendToolCallAsync("confirm", """{"what":"deploy"}""", toolCallId: "call-1");
            return AgentOutcome.Success();
        });
        var body = RunInputs.Json(amend: input => input["tools"] = new JsonArray(new JsonObject
        {
            ["name"] = "confirm",
            ["description"] = "Ask the user",
            ["parameters"] = new JsonObject { ["type"] = "object" },
        }));

        var stream = await Sse.RunAsync(host.Client, Path, body);

        stream.Types.Should().Equal("RUN_STARTED", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "RUN_FINISHED");
        stream.Last["outcome"]!["pendingToolCallIds"]!.AsArray().Select(i => (string?)i).Should().Equal("call-1");
        stream.Events.ShouldBeValidEvents();
    }

    [Fact]
    public async Task Run_BackendToolCallAnswered_ListsNoPendingToolCalls()
    {
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            var id = await run.SendToolCallAsync("lookup", "{}");
            await run.SendToolResultAsync(id, "found it");
            return AgentOutcome.Success();
        });

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        stream.Types.Should().Equal("RUN_STARTED", "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "TOOL_CALL_RESULT", "RUN_FINISHED");
        ((string?)stream.Single("TOOL_CALL_RESULT")["role"]).Should().Be("tool");
        stream.Last["outcome"]!.AsObject().ContainsKey("pendingToolCallIds").Should().BeFalse();
    }

    [Fact]
    public async Task Run_AgentThrows_EndsWithOneRunErrorAgentErrorAndSanitisedMessage()
    {
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            await run.StartTextMessageAsync();
            throw new InvalidOperationException("database password is hunter2");
        });

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        stream.Types.Should().Equal("RUN_STARTED", "TEXT_MESSAGE_START", "RUN_ERROR");
        ((string?)stream.Last["code"]).Should().Be("AGENT_ERROR");
        var message = (string?)stream.Last["message"];
        message.Should().NotBeNullOrWhiteSpace().And.NotContain("hunter2");
        stream.Last.ContainsKey("threadId").Should().BeFalse("RUN_ERROR is a closed object without ids");
        stream.Events.ShouldBeValidEvents();
        host.Logs.Entries.Should().Contain(e => e.Level == LogLevel.Error && e.Exception != null && e.Exception.Message.Contains("hunter2"),
            "the details go to the log");
    }

    [Fact]
    public async Task Run_AgentThrowsWithExceptionDetailsEnabled_RunErrorCarriesTheExceptionMessage()
    {
        await using var host = await TestHost.StartAsync(
            (_, _) => throw new InvalidOperationException("model quota exceeded"),
            options => options.IncludeExceptionDetails = true);

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        stream.Types.Should().Equal("RUN_STARTED", "RUN_ERROR");
        ((string?)stream.Last["code"]).Should().Be("AGENT_ERROR");
        ((string?)stream.Last["message"]).Should().Contain("model quota exceeded");
    }

    [Fact]
    public async Task Run_AgentEmitsIllegalSequence_EndsWithProtocolViolationAndCancelsTheAgent()
    {
        var agentStopped = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync(async (run, cancellationToken) =>
        {
            try
            {
                await run.EmitAsync(new TextMessageContentEvent { MessageId = "never-opened", Delta = "x" });
                await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
                await run.SendTextMessageAsync("after the violation");
                agentStopped.TrySetResult(null);
            }
            catch (Exception ex)
            {
                agentStopped.TrySetResult(ex);
                throw;
            }

            return AgentOutcome.Success();
        });

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        stream.Types.Should().Equal("RUN_STARTED", "RUN_ERROR");
        ((string?)stream.Last["code"]).Should().Be("PROTOCOL_VIOLATION");
        ((string?)stream.Last["message"]).Should().NotContain("never-opened", "the details stay in the log");
        (await agentStopped.Task.WaitAsync(TimeSpan.FromSeconds(5))).Should().BeAssignableTo<OperationCanceledException>();
        host.Logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Value("Rule") is int && ((string)e.Value("Violation")!).Contains("never-opened"));
    }

    [Fact]
    public async Task Run_AgentEmitsRunFinished_IsRejectedAndEndsWithProtocolViolation()
    {
        Exception? thrown = null;
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            try
            {
                await run.EmitAsync(new RunFinishedEvent { ThreadId = run.ThreadId, RunId = run.RunId });
            }
            catch (InvalidOperationException ex)
            {
                thrown = ex;
                throw;
            }

            return AgentOutcome.Success();
        });

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        thrown.Should().NotBeNull();
        stream.Types.Should().Equal("RUN_STARTED", "RUN_ERROR");
        ((string?)stream.Last["code"]).Should().Be("PROTOCOL_VIOLATION");
    }

    [Theory]
    [InlineData("RUN_STARTED")]
    [InlineData("RUN_ERROR")]
    public async Task Run_AgentEmitsOtherLifecycleEvents_AreNeverWritten(string type)
    {
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            AgUiEvent lifecycle = type == "RUN_STARTED"
                ? new RunStartedEvent { ThreadId = run.ThreadId, RunId = "other" }
                : new RunErrorEvent { Message = "fake" };
            await run.EmitAsync(lifecycle);
            return AgentOutcome.Success();
        });

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        stream.Types.Should().Equal("RUN_STARTED", "RUN_ERROR");
        ((string?)stream.Last["code"]).Should().Be("PROTOCOL_VIOLATION");
    }

    [Fact]
    public async Task Run_AgentEmitsAfterReturning_NothingFollowsTheTerminalEvent()
    {
        var lateEmit = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync((run, cancellationToken) =>
        {
            _ = Task.Run(async () =>
            {
                await Task.Delay(200);
                try
                {
                    await run.SendTextMessageAsync("too late");
                    lateEmit.TrySetResult(null);
                }
                catch (Exception ex)
                {
                    lateEmit.TrySetResult(ex);
                }
            }, CancellationToken.None);
            return ValueTask.FromResult(AgentOutcome.Success());
        });

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        stream.Types.Should().Equal("RUN_STARTED", "RUN_FINISHED");
        (await lateEmit.Task.WaitAsync(TimeSpan.FromSeconds(5))).Should().BeOfType<InvalidOperationException>();
    }

    [Fact]
    public async Task Run_Response_HasEventStreamHeadersAndNoBufferingHints()
    {
        await using var host = await TestHost.StartAsync((_, _) => ValueTask.FromResult(AgentOutcome.Success()));

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        var response = stream.Response;
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        response.Headers.CacheControl!.NoCache.Should().BeTrue();
        response.Headers.CacheControl.NoStore.Should().BeTrue();
        response.Headers.CacheControl.NoTransform.Should().BeTrue();
        response.Headers.GetValues("X-Accel-Buffering").Should().Equal("no");
        response.Content.Headers.ContentEncoding.Should().Equal("identity");
    }

    [Fact]
    public async Task Run_Framing_IsOneDataLinePerEventEndedByABlankLineWithLfOnly()
    {
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            await run.SendTextMessageAsync("line one\nline two\r\nunicode: é 你好");
            return AgentOutcome.Success();
        });
        using var request = Sse.RunRequest(Path, RunInputs.Json());
        using var response = await host.Client.SendAsync(request);

        var bytes = await response.Content.ReadAsByteArrayAsync();

        bytes.Should().NotContain((byte)'\r', "SSE framing uses LF only and JSON escapes CR");
        var text = Encoding.UTF8.GetString(bytes);
        text.Should().EndWith("\n\n");
        var frames = text[..^2].Split("\n\n");
        frames.Should().HaveCount(5);
        foreach (var frame in frames)
        {
            frame.Should().StartWith("data: ");
            frame.Should().NotContain("\n", "each event is a single data line");
            JsonNode.Parse(frame["data: ".Length..]).Should().BeOfType<JsonObject>();
        }

        var content = JsonNode.Parse(frames[2]["data: ".Length..])!;
        ((string?)content["delta"]).Should().Be("line one\nline two\r\nunicode: é 你好");
    }

    [Fact]
    public async Task Run_TypedHelpers_EmitTheirEventsInOrder()
    {
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            await run.SendStateSnapshotAsync(JsonDocument.Parse("""{"count":1}""").RootElement);
            await run.SendStateDeltaAsync(JsonDocument.Parse("""[{"op":"replace","path":"/count","value":2}]""").RootElement);
            var reasoning = await run.StartReasoningAsync();
            await reasoning.SendMessageAsync("thinking");
            await reasoning.EndAsync();
            var activity = await run.SendActivitySnapshotAsync("PLAN", JsonDocument.Parse("""{"steps":[]}""").RootElement);
            await run.SendActivityDeltaAsync(activity, "PLAN", JsonDocument.Parse("""[{"op":"add","path":"/steps/-","value":"a"}]""").RootElement);
            var call = await run.StartToolCallAsync("lookup");
            await call.AppendArgumentsAsync("{\"q\":");
            await call.AppendArgumentsAsync("1}");
            await call.EndAsync();
            await run.SendToolResultAsync(call.ToolCallId, "42");
            await run.SendMessagesSnapshotAsync([new AssistantMessage { Id = "a1", Content = "snapshot" }]);
            await run.SendCustomAsync("demo:ping", JsonDocument.Parse("1").RootElement);
            await run.SendRawAsync(JsonDocument.Parse("""{"native":true}""").RootElement, "provider");
            return AgentOutcome.Success();
        });

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        stream.Types.Should().Equal(
            "RUN_STARTED", "STATE_SNAPSHOT", "STATE_DELTA",
            "REASONING_START", "REASONING_MESSAGE_START", "REASONING_MESSAGE_CONTENT", "REASONING_MESSAGE_END", "REASONING_END",
            "ACTIVITY_SNAPSHOT", "ACTIVITY_DELTA",
            "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_ARGS", "TOOL_CALL_END", "TOOL_CALL_RESULT",
            "MESSAGES_SNAPSHOT", "CUSTOM", "RAW", "RUN_FINISHED");
        stream.Events.ShouldBeValidEvents();
        ((string?)stream.Single("REASONING_MESSAGE_START")["role"]).Should().Be("reasoning");
        var ids = stream.Events.Where(e => e.ContainsKey("messageId")).Select(e => (string?)e["messageId"]).Distinct().ToList();
        ids.Should().OnlyContain(id => !string.IsNullOrEmpty(id), "ids are generated when not given");
    }

    [Fact]
    public async Task Run_Input_IsAvailableToTheAgent()
    {
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            await run.SendTextMessageAsync($"{run.ThreadId}/{run.RunId}/{run.GetLastUserText()}/{run.Input.Messages.Count}");
            return AgentOutcome.Success();
        });

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json("tx", "rx", "what did I say"));

        ((string?)stream.Single("TEXT_MESSAGE_CONTENT")["delta"]).Should().Be("tx/rx/what did I say/1");
    }
}
