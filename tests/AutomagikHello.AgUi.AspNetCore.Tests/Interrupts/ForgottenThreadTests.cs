using System.Net;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;
using static AutomagikHello.AgUi.AspNetCore.Tests.Interrupts.InterruptStreams;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Interrupts;

/// <summary>
/// What the in-memory store's idle-thread cap means through HTTP: a thread it forgot has no memory of its consumed
/// interrupts, so a replayed resume is refused as unknown (strict) or ignored (lenient), and no email goes out twice.
/// </summary>
public sealed class ForgottenThreadTests
{
    private const string Approval = "/agents/approval";
    private const string Plain = "/agents/plain";

    [Fact]
    public async Task Replay_AfterTheThreadWasForgotten_IsUnknownInterrupt_AndSendsNothingMore()
    {
        await using var host = await StartAsync();
        var (thread, id) = await ApprovedAsync(host);

        await ForgetOldIdleThreadsAsync(host);
        using var view = await host.SendAsync(HttpMethod.Get, $"{Approval}/threads/{thread}");
        var replay = await host.ResumeAsync(Approval, thread, "r3", $"[{Approve(id)}]");

        view.StatusCode.Should().Be(HttpStatusCode.NotFound, "the idle thread was forgotten");
        replay.ErrorCode().Should().Be(ThreadErrorCodes.UnknownInterrupt);
        host.Outbox.SentOn(thread).Should().ContainSingle();
    }

    [Fact]
    public async Task Replay_WhileTheThreadIsKept_IsAlreadyApplied()
    {
        await using var host = await StartAsync();
        var (thread, id) = await ApprovedAsync(host);

        // Under the cap's threshold: nothing is forgotten.
        await host.RunAsync(Plain, RunInputs.NewThreadId(), "p1");
        var replay = await host.ResumeAsync(Approval, thread, "r3", $"[{Approve(id)}]");

        replay.ErrorCode().Should().Be(ThreadErrorCodes.ResumeAlreadyApplied);
        host.Outbox.SentOn(thread).Should().ContainSingle();
    }

    [Fact]
    public async Task Replay_AfterTheThreadWasForgotten_Lenient_IgnoresTheEntryAndAsksAgain()
    {
        await using var host = await StartAsync(o => o.ResumeValidation = ResumeValidationMode.Lenient);
        var (thread, id) = await ApprovedAsync(host);

        await ForgetOldIdleThreadsAsync(host);
        var replay = await host.ResumeAsync(Approval, thread, "r3", $"[{Approve(id)}]");

        // The entry names an interrupt the fresh thread never raised: ignored with a warning, so the run is a new
        // conversation turn, and the agent proposes the email again and waits for a new approval.
        var asked = replay.Interrupts().Should().ContainSingle().Subject;
        ((string?)asked["id"]).Should().NotBe(id);
        host.Host.Logs.Entries.Should().Contain(e => e.Message.Contains(id, StringComparison.Ordinal));
        host.Outbox.SentOn(thread).Should().ContainSingle();
    }

    [Fact]
    public async Task PendingInterrupt_IsNotForgotten_AndItsResumeStillSendsOnce()
    {
        await using var host = await StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;

        await ForgetOldIdleThreadsAsync(host);
        var resumed = await host.ResumeAsync(Approval, thread, "r2", $"[{Approve(id)}]");

        ((string?)resumed.Last["outcome"]!["type"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().ContainSingle();
    }

    // A cap of one idle thread: the store sweeps once it holds more than two and keeps the newest one.
    private static Task<InterruptHost> StartAsync(Action<AgUiOptions>? configure = null) => InterruptHost.StartAsync(
        map: (app, _) => app.MapAgUi(Plain, (run, ct) => ValueTask.FromResult(AgentOutcome.Success())),
        configure: configure,
        services: s => s.Configure<InMemoryThreadStoreOptions>(o => o.MaxIdleThreads = 1));

    private static async Task<(string Thread, string InterruptId)> ApprovedAsync(InterruptHost host)
    {
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;
        var approved = await host.ResumeAsync(Approval, thread, "r2", $"[{Approve(id)}]");
        ((string?)approved.Last["outcome"]!["type"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().ContainSingle();
        return (thread, id);
    }

    // Three newer idle threads: the third takes the idle count over the threshold, and all but the newest go.
    private static async Task ForgetOldIdleThreadsAsync(InterruptHost host)
    {
        await host.RunAsync(Plain, RunInputs.NewThreadId(), "p1");
        await host.RunAsync(Plain, RunInputs.NewThreadId(), "p2");
        await host.RunAsync(Plain, RunInputs.NewThreadId(), "p3");
    }
}
