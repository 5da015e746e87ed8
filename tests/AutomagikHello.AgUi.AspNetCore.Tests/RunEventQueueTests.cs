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

    [Fact]
    public async Task Queue_AgentWakesHeld_BurstWakesTheWaitingReaderOnceOnRelease_InlineOnTheReleasingThread()
    {
        using var cancellation = new CancellationTokenSource();
        var queue = new RunEventQueue(cancellation);
        var wakes = 0;
        var wokeOnThread = 0;
        var reader = ReadWakesAsync();

        queue.HoldAgentWakes();
        for (var i = 0; i < 100; i++)
        {
            await queue.EnqueueAsync(Content(i));
        }

        wakes.Should().Be(0, "the agent's emits while held do not wake the reader");
        queue.ReleaseAgentWakes();
        wakes.Should().Be(1, "the release wakes the reader once, at once");
        wokeOnThread.Should().Be(Environment.CurrentManagedThreadId, "the reader went on inline on the releasing thread");

        queue.ReleaseAgentWakes();
        wakes.Should().Be(1, "a release with nothing emitted meanwhile wakes nobody");
        queue.Seal();
        (await reader.WaitAsync(TimeSpan.FromSeconds(5))).Should().Be(100);

        async Task<int> ReadWakesAsync()
        {
            var read = 0;
            // As the stream writer does: no synchronization context to post the continuation to.
            while (await queue.WaitToReadAsync().ConfigureAwait(false))
            {
                wakes++;
                wokeOnThread = Environment.CurrentManagedThreadId;
                while (queue.TryRead(out _))
                {
                    read++;
                }
            }

            return read;
        }
    }

    [Fact]
    public async Task Queue_AgentWakesHeld_AFullQueueStillWakesTheReader()
    {
        using var cancellation = new CancellationTokenSource();
        var queue = new RunEventQueue(cancellation);
        var waiting = queue.WaitToReadAsync().AsTask();

        queue.HoldAgentWakes();
        for (var i = 0; i < Capacity - 1; i++)
        {
            queue.EnqueueAsync(Content(i)).AsTask().IsCompletedSuccessfully.Should().BeTrue("there is room");
        }

        waiting.IsCompleted.Should().BeFalse("held: the queue is not full yet");
        queue.EnqueueAsync(Content(Capacity - 1)).AsTask().IsCompletedSuccessfully.Should().BeTrue("the last free slot");
        var blocked = queue.EnqueueAsync(Content(Capacity)).AsTask();

        // The agent now waits for room; the reader must drain, or the run would hang with the wakes still held.
        (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Should().BeTrue();
        for (var i = 0; i < Capacity / 2; i++)
        {
            queue.TryRead(out _).Should().BeTrue();
        }

        await blocked.WaitAsync(TimeSpan.FromSeconds(5));
        queue.ReleaseAgentWakes();
    }

    [Fact]
    public async Task Queue_AgentWakesHeld_CompletionWaitsForTheRelease_StopAndHeartbeatDoNot()
    {
        using var cancellation = new CancellationTokenSource();
        var queue = new RunEventQueue(cancellation);
        var waiting = queue.WaitToReadAsync().AsTask();
        queue.HoldAgentWakes();

        queue.Complete(AgentCompletion.Returned(AgentOutcome.Success()));
        waiting.IsCompleted.Should().BeFalse("the agent's completion is its own wake, held like its emits");
        queue.ReleaseAgentWakes();
        (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Should().BeTrue();

        // Released while the reader is busy (not waiting): the wake is kept for its next wait, not lost.
        queue.HoldAgentWakes();
        queue.Complete(AgentCompletion.Returned(AgentOutcome.Success()));
        queue.ReleaseAgentWakes();
        queue.WaitToReadAsync().AsTask().IsCompleted.Should().BeTrue("the completion held while the reader was busy is not lost");

        queue.HoldAgentWakes();
        waiting = queue.WaitToReadAsync().AsTask();
        queue.RequestHeartbeat();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        queue.TakeHeartbeatRequest().Should().BeTrue();

        waiting = queue.WaitToReadAsync().AsTask();
        queue.TryStop(RunStopReason.CancelRequested).Should().BeTrue();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        queue.StopReason.Should().Be(RunStopReason.CancelRequested, "a cancel reaches the writer while the agent still runs");
        queue.ReleaseAgentWakes();
    }

    private static TextMessageContentEvent Content(int i) =>
        new() { MessageId = "m", Delta = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
