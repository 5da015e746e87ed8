using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>An agent ending its run with its own RUN_ERROR code through <see cref="RunErrorException"/>.</summary>
public sealed class RunErrorExceptionTests
{
    private const string Path = "/agents/test";

    [Fact]
    public async Task Run_AgentThrowsRunErrorException_RunErrorCarriesItsCodeAndMessageWithoutExceptionDetails()
    {
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            var message = await run.StartTextMessageAsync();
            await message.AppendAsync("Hello, I am ");
            throw new RunErrorException("VOICE_TTS_FAILED", "Speech synthesis failed; retry.", new InvalidOperationException("engine key is hunter2"));
        });

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        stream.Types.Should().Equal("RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "RUN_ERROR");
        ((string?)stream.Last["code"]).Should().Be("VOICE_TTS_FAILED");
        ((string?)stream.Last["message"]).Should().Be("Speech synthesis failed; retry.");
        stream.Last.ToJsonString().Should().NotContain("hunter2", "the inner exception is logged, never sent");
        stream.Events.ShouldBeValidEvents();
        host.Logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning && (string?)e.Value("Code") == "VOICE_TTS_FAILED"
            && e.Exception != null && e.Exception.Message.Contains("hunter2"));
        host.Logs.Entries.Should().NotContain(e => e.Level == LogLevel.Error, "a reported error is not an agent crash");
    }

    [Fact]
    public async Task Run_AgentThrowsAnotherException_StillGetsTheGenericAgentError()
    {
        await using var host = await TestHost.StartAsync((_, _) => throw new InvalidOperationException("VOICE_TTS_FAILED"));

        var stream = await Sse.RunAsync(host.Client, Path, RunInputs.Json());

        stream.Types.Should().Equal("RUN_STARTED", "RUN_ERROR");
        ((string?)stream.Last["code"]).Should().Be(RunErrorCodes.AgentError);
        ((string?)stream.Last["message"]).Should().NotContain("VOICE_TTS_FAILED");
    }

    [Fact]
    public async Task Resume_AgentReportsAnError_PutsTheClaimInDoubt_SoTheSameAnswerIsRefusedOnRetry()
    {
        // The agent fails while acting on the answer when the input says so: an honest, scripted failure.
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            if (run.Resume.Count == 0)
            {
                return AgentOutcome.Interrupt(run.RequestConfirmation("Go?"));
            }

            if (run.Input.ForwardedProps is { } props && props.TryGetProperty("fail", out var fail) && fail.GetBoolean())
            {
                throw new RunErrorException("ENGINE_FAILED", "The engine failed; retry.");
            }

            await run.SendTextMessageAsync("done");
            return AgentOutcome.Success();
        });
        var thread = RunInputs.NewThreadId();
        var first = await Sse.RunAsync(host.Client, Path, RunInputs.Json(thread, "r1"));
        var interruptId = (string)first.Last["outcome"]!["interrupts"]![0]!["id"]!;
        string Resume(string runId, bool fail) => RunInputs.Json(thread, runId, "go", input =>
        {
            input["resume"] = JsonNode.Parse($$"""[{"interruptId":"{{interruptId}}","status":"resolved","payload":true}]""");
            input["forwardedProps"] = new JsonObject { ["fail"] = fail };
        });

        var failed = await Sse.RunAsync(host.Client, Path, Resume("r2", fail: true));
        var retried = await Sse.RunAsync(host.Client, Path, Resume("r3", fail: false));

        failed.Types.Should().Equal("RUN_STARTED", "RUN_ERROR");
        ((string?)failed.Last["code"]).Should().Be("ENGINE_FAILED");
        retried.Types.Should().Equal("RUN_ERROR");
        ((string?)retried.Last["code"]).Should().Be(ThreadErrorCodes.ResumeInDoubt, "the agent ran with the answer before it failed");
    }

    [Theory]
    [InlineData("", "message")]
    [InlineData("   ", "message")]
    [InlineData("TWO WORDS", "message")]
    [InlineData("NO\u00A0BREAK", "message")]
    [InlineData("BELL\u0007", "message")]
    [InlineData("THREAD_BUSY", "message")]
    [InlineData("RESUME_ALREADY_APPLIED", "message")]
    [InlineData("AGENT_ERROR", "message")]
    [InlineData("CODE", "")]
    [InlineData("CODE", " ")]
    public void Constructor_EmptyOrSpacedCodeOrEmptyMessage_Throws(string code, string message)
    {
        var create = () => new RunErrorException(code, message);

        create.Should().Throw<ArgumentException>();
    }

    public static TheoryData<string> LibraryCodes() => ErrorCatalogues.Codes(typeof(RunErrorCodes), typeof(AgUiErrorCodes), typeof(ThreadErrorCodes));

    // Every code the library defines is the library's: an agent borrowing one would make a client misread its error.
    [Theory]
    [MemberData(nameof(LibraryCodes))]
    public void Constructor_AnyLibraryCode_Throws(string code)
    {
        var create = () => new RunErrorException(code, "message");

        create.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Constructor_ValidCodeAndMessage_KeepsThem()
    {
        var exception = new RunErrorException("VOICE_STT_FAILED", "Speech recognition failed.");

        exception.Code.Should().Be("VOICE_STT_FAILED");
        exception.Message.Should().Be("Speech recognition failed.");
    }
}
