namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>The hand-off between an agent and its stream: bounded, ordered, woken by signals, refusing after the end.</summary>
public sealed class RunEventQueueTests
{
    private const int Capacity = 256;

    [Fact]
    public async Task Queue_Full_WriterWaitsUntilHalfDrained_AndOrderIsKept()
    {
        using var cancellation = new CancellationTokenSource();
        var queue = new RunEventQueue(cancellation);
        for (var i = 0; i < Capacity; i++)
        {
            queue.EnqueueAsync(Content(i)).AsTask().IsCompletedSuccessfully.Should().BeTrue("there is room");
        }

        var blocked = queue.EnqueueAsync(Content(Capacity)).AsTask();
        var alsoBlocked = queue.EnqueueAsync(Content(Capacity + 1)).AsTask();
        var read = new List<string>();
        for (var i = 0; i < (Capacity / 2) - 1; i++)
        {
            queue.TryRead(out var item).Should().BeTrue();
            read.Add(((TextMessageContentEvent)item).Delta);
        }

        await Task.Delay(50);
        blocked.IsCompleted.Should().BeFalse("one free slot does not resume the agent");

        queue.TryRead(out var half).Should().BeTrue();
        read.Add(((TextMessageContentEvent)half).Delta);
        await blocked.WaitAsync(TimeSpan.FromSeconds(5));
        await alsoBlocked.WaitAsync(TimeSpan.FromSeconds(5));
        while (queue.TryRead(out var item))
        {
            read.Add(((TextMessageContentEvent)item).Delta);
        }

        read.Should().Equal(Enumerable.Range(0, Capacity + 2).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Queue_Sealed_RefusesTheWaitingWriterAndLaterOnes()
    {
        using var cancellation = new CancellationTokenSource();
        var queue = new RunEventQueue(cancellation);
        for (var i = 0; i < Capacity; i++)
        {
            await queue.EnqueueAsync(Content(i));
        }

        var blocked = queue.EnqueueAsync(Content(Capacity)).AsTask();
        queue.Seal();

        await FluentActions.Awaiting(() => blocked.WaitAsync(TimeSpan.FromSeconds(5))).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => queue.EnqueueAsync(Content(0)).AsTask()).Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task Queue_Stopped_CancelsTheWaitingWriter()
    {
        using var cancellation = new CancellationTokenSource();
        var queue = new RunEventQueue(cancellation);
        for (var i = 0; i < Capacity; i++)
        {
            await queue.EnqueueAsync(Content(i));
        }

        var blocked = queue.EnqueueAsync(Content(Capacity)).AsTask();
        queue.TryStop(RunStopReason.CancelRequested).Should().BeTrue();

        await FluentActions.Awaiting(() => blocked.WaitAsync(TimeSpan.FromSeconds(5))).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(() => queue.EnqueueAsync(Content(0)).AsTask()).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Queue_WaitToRead_CompletesOnAnEventOrASignal_EvenOneThatCameFirst()
    {
        using var cancellation = new CancellationTokenSource();
        var queue = new RunEventQueue(cancellation);

        var waiting = queue.WaitToReadAsync().AsTask();
        waiting.IsCompleted.Should().BeFalse();
        await queue.EnqueueAsync(Content(0));
        (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Should().BeTrue();
        queue.TryRead(out _).Should().BeTrue();

        waiting = queue.WaitToReadAsync().AsTask();
        queue.RequestHeartbeat();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        queue.TakeHeartbeatRequest().Should().BeTrue();

        queue.Complete(AgentCompletion.Returned(AgentOutcome.Success())); // nobody waiting: the signal is kept
        queue.WaitToReadAsync().AsTask().IsCompleted.Should().BeTrue();
        var next = queue.WaitToReadAsync().AsTask();
        next.IsCompleted.Should().BeFalse("the signal was consumed");
        queue.Seal();
        (await next.WaitAsync(TimeSpan.FromSeconds(5))).Should().BeFalse("nothing more can come");
    }

    [Fact]
    public async Task Queue_GrowsInOrderAcrossItsWrap_AndDropsWhatIsLeftWhenSealed()
    {
        // Each round's queue grows through pooled buffers that earlier rounds gave back at their seal: a queue reads
        // its own events in order, never one left in a reused buffer.
        var next = 0;
        for (var round = 0; round < 3; round++)
        {
            using var cancellation = new CancellationTokenSource();
            var queue = new RunEventQueue(cancellation);
            var expected = next;
            for (var i = 0; i < 10; i++)
            {
                await queue.EnqueueAsync(Content(next++));
            }

            for (var i = 0; i < 5; i++)
            {
                queue.TryRead(out var read).Should().BeTrue();
                ((TextMessageContentEvent)read).Delta.Should().Be(Content(expected++).Delta);
            }

            for (var i = 0; i < 40; i++)
            {
                await queue.EnqueueAsync(Content(next++)); // wraps the first buffer, then grows twice
            }

            for (var i = 0; i < 30; i++)
            {
                queue.TryRead(out var read).Should().BeTrue();
                ((TextMessageContentEvent)read).Delta.Should().Be(Content(expected++).Delta);
            }

            queue.Seal();
            queue.TryRead(out _).Should().BeFalse("nothing is read after the seal; the 15 still queued are dropped");
            (await queue.WaitToReadAsync()).Should().BeFalse();
        }
    }

    private static TextMessageContentEvent Content(int i) =>
        new() { MessageId = "m", Delta = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
