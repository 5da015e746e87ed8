using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>The flush policy of the stream writer, observed on a pipe that counts flushes.</summary>
public sealed class RunStreamWriterTests
{
    private static readonly RunAgentInput Input = new()
    {
        ThreadId = "t1",
        RunId = "r1",
        Messages = [new UserMessage { Id = "m1", Content = "hi" }],
    };

    [Fact]
    public async Task Writer_BurstAlreadyQueued_FlushesOnlyAtTheByteThresholdAndAtTheEnd()
    {
        var output = new CountingPipeWriter();
        using var cancellation = new CancellationTokenSource();
        var queue = new RunEventQueue(cancellation);
        await queue.EnqueueAsync(new TextMessageStartEvent { MessageId = "m" });
        for (var i = 0; i < 200; i++)
        {
            await queue.EnqueueAsync(new TextMessageContentEvent { MessageId = "m", Delta = "0123456789" });
        }

        await queue.EnqueueAsync(new TextMessageEndEvent { MessageId = "m" });
        queue.Complete(AgentCompletion.Returned(AgentOutcome.Success()));

        var end = await RunWriterAsync(output, queue, new AgUiOptions { FlushThresholdBytes = 4096 });

        end.Kind.Should().Be(RunEndKind.Success);
        var total = output.Text.Length;
        total.Should().BeGreaterThan(4096 * 3);
        output.Flushes.Should().BeInRange(total / 4096, (total / 4096) + 2,
            "one flush for RUN_STARTED, one per 4 KiB of a burst, and one at the end — not one per event");
    }

    [Fact]
    public async Task Writer_EventsArrivingOneByOne_FlushesEachAsSoonAsNothingMoreIsReady()
    {
        var output = new CountingPipeWriter();
        using var cancellation = new CancellationTokenSource();
        var queue = new RunEventQueue(cancellation);
        var writing = RunWriterAsync(output, queue, new AgUiOptions());

        await queue.EnqueueAsync(new TextMessageStartEvent { MessageId = "m" });
        for (var i = 0; i < 5; i++)
        {
            var flushes = output.Flushes;
            await queue.EnqueueAsync(new TextMessageContentEvent { MessageId = "m", Delta = "tok" + i });
            await WaitUntilAsync(() => output.Flushes > flushes);
        }

        await queue.EnqueueAsync(new TextMessageEndEvent { MessageId = "m" });
        queue.Complete(AgentCompletion.Returned(AgentOutcome.Success()));
        (await writing).Kind.Should().Be(RunEndKind.Success);
        output.Text.Should().Contain("tok4");
    }

    [Fact]
    public async Task Writer_StopRequested_DropsQueuedEventsAndEndsCancelled()
    {
        var output = new CountingPipeWriter();
        using var cancellation = new CancellationTokenSource();
        var queue = new RunEventQueue(cancellation);
        await queue.EnqueueAsync(new TextMessageStartEvent { MessageId = "m" });
        queue.TryStop(RunStopReason.CancelRequested).Should().BeTrue();
        queue.TryStop(RunStopReason.MaxDuration).Should().BeFalse("the first reason wins");

        var end = await RunWriterAsync(output, queue, new AgUiOptions());

        end.Should().Be(new RunEnd(RunEndKind.Cancelled, StopReason: RunStopReason.CancelRequested));
        output.Text.Should().NotContain("TEXT_MESSAGE_START", "events queued but not yet sent when the stop came are dropped");
        output.Text.Should().Contain("\"cancelled\"");
        await FluentActions.Awaiting(async () => await queue.EnqueueAsync(new TextMessageStartEvent { MessageId = "x" }))
            .Should().ThrowAsync<OperationCanceledException>();
        await WaitUntilAsync(() => cancellation.IsCancellationRequested);
    }

    private static async Task<RunEnd> RunWriterAsync(CountingPipeWriter output, RunEventQueue queue, AgUiOptions options)
    {
        using var heartbeat = new RunHeartbeat(queue, new RunTicker(TimeProvider.System, TimeSpan.FromMinutes(1)), TimeSpan.FromMinutes(1));
        using var writer = new RunStreamWriter(new SseRunEventSink(output), queue, Input, heartbeat, NullLogger.Instance, options, TimeProvider.System, CancellationToken.None);
        return await writer.RunAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the condition must come true");
            await Task.Delay(5);
        }
    }

    /// <summary>A pipe writer that keeps what it is given and counts the flushes.</summary>
    private sealed class CountingPipeWriter : PipeWriter
    {
        private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0));
        private readonly List<byte> _written = [];
        private int _flushes;

        public int Flushes => Volatile.Read(ref _flushes);

        public string Text
        {
            get
            {
                lock (_written)
                {
                    return Encoding.UTF8.GetString([.. _written]);
                }
            }
        }

        public override void Advance(int bytes)
        {
            _pipe.Writer.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => _pipe.Writer.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _pipe.Writer.GetSpan(sizeHint);

        public override void CancelPendingFlush() => _pipe.Writer.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => _pipe.Writer.Complete(exception);

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            var result = await _pipe.Writer.FlushAsync(cancellationToken);
            if (_pipe.Reader.TryRead(out var read))
            {
                lock (_written)
                {
                    foreach (var segment in read.Buffer)
                    {
                        _written.AddRange(segment.Span);
                    }
                }

                _pipe.Reader.AdvanceTo(read.Buffer.End);
            }

            Interlocked.Increment(ref _flushes);
            return result;
        }
    }
}
