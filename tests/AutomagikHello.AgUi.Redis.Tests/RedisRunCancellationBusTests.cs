using System.Collections.Concurrent;
using System.Text;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Redis.Tests;

public sealed class RedisRunCancellationBusTests : IDisposable
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(5);
    private readonly RedisTestKeys _keys = new();

    public void Dispose() => _keys.Dispose();

    [RedisFact]
    public async Task Publish_OnOneConnection_IsDeliveredToASubscriberOnAnother()
    {
        var options = _keys.Options();
        using var instanceA = RedisTestEnvironment.Connect();
        using var instanceB = RedisTestEnvironment.Connect();
        var received = new TaskCompletionSource<RunCancellation>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await new RedisRunCancellationBus(instanceB, options).SubscribeAsync(c => received.TrySetResult(c));
        var cancellation = new RunCancellation(new ThreadKey("approval", "alice:x", "thread \"1\""), "run-7");

        await new RedisRunCancellationBus(instanceA, options).PublishAsync(cancellation);

        (await received.Task.WaitAsync(Delivery)).Should().Be(cancellation);
    }

    [RedisFact]
    public async Task Subscribe_AfterDispose_NoLongerReceives_AndOtherPrefixesAreNotHeard()
    {
        var options = _keys.Options();
        using var publisherConnection = RedisTestEnvironment.Connect();
        var publisher = new RedisRunCancellationBus(publisherConnection, options);
        var bus = new RedisRunCancellationBus(RedisTestEnvironment.Shared, options);
        var otherApp = new RedisRunCancellationBus(RedisTestEnvironment.Shared, _keys.Options());
        var seen = new ConcurrentQueue<string>();
        var otherSeen = new ConcurrentQueue<string>();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = await bus.SubscribeAsync(c =>
        {
            seen.Enqueue(c.RunId);
            first.TrySetResult();
        });
        await using var other = await otherApp.SubscribeAsync(c => otherSeen.Enqueue(c.RunId));

        await publisher.PublishAsync(new RunCancellation(new ThreadKey("a", "o", "t"), "r1"));
        await first.Task.WaitAsync(Delivery);
        await subscription.DisposeAsync();
        await publisher.PublishAsync(new RunCancellation(new ThreadKey("a", "o", "t"), "r2"));
        // A later message on the same connection is delivered in order after r2 would have been.
        var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (await bus.SubscribeAsync(c => marker.TrySetResult()))
        {
            await publisher.PublishAsync(new RunCancellation(new ThreadKey("a", "o", "t"), "marker"));
            await marker.Task.WaitAsync(Delivery);
        }

        seen.Should().Equal("r1");
        otherSeen.Should().BeEmpty("another key prefix is another application's channel");
        bus.Channel.Should().Be(options.KeyPrefix + "cancel");
    }

    [RedisFact]
    public async Task Subscribe_HandlerThatThrows_DoesNotStopLaterMessages()
    {
        var options = _keys.Options();
        var bus = new RedisRunCancellationBus(RedisTestEnvironment.Shared, options);
        var seen = new ConcurrentQueue<string>();
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await bus.SubscribeAsync(c =>
        {
            seen.Enqueue(c.RunId);
            if (c.RunId == "boom")
            {
                throw new InvalidOperationException("handler failure");
            }

            second.TrySetResult();
        });

        await bus.PublishAsync(new RunCancellation(new ThreadKey("a", "o", "t"), "boom"));
        await bus.PublishAsync(new RunCancellation(new ThreadKey("a", "o", "t"), "after"));

        await second.Task.WaitAsync(Delivery);
        seen.Should().Contain("after");
    }

    [Fact]
    public void Message_RoundTrips_AndMalformedMessagesAreIgnored()
    {
        var cancellation = new RunCancellation(new ThreadKey("ag\u00e9nt", "owner:1", "t\n"), "run");

        RedisRunCancellationBus.Decode(RedisRunCancellationBus.Encode(cancellation)).Should().Be(cancellation);
        RedisRunCancellationBus.Decode(Encoding.UTF8.GetBytes("""{"a":"x","o":"y","t":"z"}""")).Should().BeNull();
        RedisRunCancellationBus.Decode(Encoding.UTF8.GetBytes("not json")).Should().BeNull();
        RedisRunCancellationBus.Decode(Encoding.UTF8.GetBytes("""{"a":"x","o":"y","t":"z","r":"w","extra":{"n":[1]}}""")).Should().Be(new RunCancellation(new ThreadKey("x", "y", "z"), "w"));
    }
}
