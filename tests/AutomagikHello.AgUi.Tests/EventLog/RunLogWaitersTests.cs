using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.EventLog;

public sealed class RunLogWaitersTests
{
    private static readonly RunLogKey Key = new(new ThreadKey("chat", "alice", "t1"), "r1");

    [Fact]
    public async Task WaitAsync_ReadyAtOnce_ReturnsTrueWithoutASignal()
    {
        var waiters = new RunLogWaiters();

        (await waiters.WaitAsync(Key, _ => ValueTask.FromResult(true), TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan)).Should().BeTrue();
    }

    [Fact]
    public async Task WaitAsync_SignalledAfterItChecked_WakesWithoutPolling()
    {
        var waiters = new RunLogWaiters();
        var checkedOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // No polling and a minute's timeout: only the signal can end this wait with true.
        var waiting = waiters.WaitAsync(Key, _ =>
        {
            checkedOnce.TrySetResult();
            return ValueTask.FromResult(false);
        }, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan).AsTask();
        await checkedOnce.Task;
        waiters.Signal(Key);

        (await waiting).Should().BeTrue();
    }

    [Fact]
    public async Task WaitAsync_AnotherRunsSignal_DoesNotWakeIt()
    {
        var waiters = new RunLogWaiters();
        var checkedOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var waiting = waiters.WaitAsync(Key, _ =>
        {
            checkedOnce.TrySetResult();
            return ValueTask.FromResult(false);
        }, TimeSpan.FromMilliseconds(200), Timeout.InfiniteTimeSpan).AsTask();
        await checkedOnce.Task;
        waiters.Signal(Key with { RunId = "r2" });

        (await waiting).Should().BeFalse();
    }

    [Fact]
    public async Task WaitAsync_NothingHappens_ReturnsFalseAfterTheTimeout_AndPollsMeanwhile()
    {
        var waiters = new RunLogWaiters();
        var checks = 0;

        var woken = await waiters.WaitAsync(Key, _ =>
        {
            Interlocked.Increment(ref checks);
            return ValueTask.FromResult(false);
        }, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10));

        woken.Should().BeFalse();
        checks.Should().BeGreaterThan(1, "the log is checked again every poll interval");
    }

    [Fact]
    public async Task WaitAsync_TimeoutShorterThanThePollInterval_AsksTheLogOnce()
    {
        var waiters = new RunLogWaiters();
        var checks = 0;

        // An idle reader waits again at once after a timeout (that wait asks the log first): asking again as this one
        // gives up would cost a store round trip per wait for nothing.
        var woken = await waiters.WaitAsync(Key, _ =>
        {
            Interlocked.Increment(ref checks);
            return ValueTask.FromResult(false);
        }, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(1));

        woken.Should().BeFalse();
        checks.Should().Be(1);
    }

    [Fact]
    public async Task WaitAsync_ReadyOnlyByPolling_ReturnsTrue()
    {
        var waiters = new RunLogWaiters();
        var checks = 0;

        var woken = await waiters.WaitAsync(Key, _ => ValueTask.FromResult(Interlocked.Increment(ref checks) >= 3), TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(10));

        woken.Should().BeTrue();
        checks.Should().Be(3);
    }

    [Fact]
    public async Task WaitAsync_BadTimeoutOrPollInterval_ThrowsArgumentOutOfRange()
    {
        var waiters = new RunLogWaiters();

        await FluentActions.Awaiting(async () => await waiters.WaitAsync(Key, _ => ValueTask.FromResult(false), TimeSpan.FromSeconds(-2), Timeout.InfiniteTimeSpan))
            .Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("timeout");
        await FluentActions.Awaiting(async () => await waiters.WaitAsync(Key, _ => ValueTask.FromResult(false), TimeSpan.FromSeconds(1), TimeSpan.Zero))
            .Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("pollInterval");
    }

    [Fact]
    public async Task WaitAsync_Cancelled_ThrowsOperationCanceled()
    {
        var waiters = new RunLogWaiters();
        using var cancel = new CancellationTokenSource();

        var waiting = waiters.WaitAsync(Key, _ => ValueTask.FromResult(false), TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan, cancel.Token).AsTask();
        await cancel.CancelAsync();

        await waiting.Invoking(w => w).Should().ThrowAsync<OperationCanceledException>();
    }
}
