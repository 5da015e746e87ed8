using System.Buffers;
using System.Text.Json;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AutomagikHello.AgUi.Redis;

/// <summary>
/// Cross-instance cancel over Redis pub/sub: every instance subscribes to the channel <c>{KeyPrefix}cancel</c>; a cancel
/// request arriving at any instance is published there and the instance running the named run cancels it.
/// </summary>
/// <remarks>
/// The hosting layer wires it (subscribe at start-up, publish when a cancel names a run that is not local). Pub/sub is
/// at most once: a message published while an instance is disconnected is lost, and the run's lease bounds how long
/// such a run can keep its thread. Connection failures surface as <see cref="ThreadStoreUnavailableException"/>.
/// The bus does not own the multiplexer.
/// </remarks>
public sealed partial class RedisRunCancellationBus : IRunCancellationBus
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisChannel _channel;
    private readonly ILogger _logger;

    /// <summary>Creates the bus over a connection the caller owns.</summary>
    /// <param name="redis">The connection (shared by the whole application).</param>
    /// <param name="options">The settings; the bus uses <see cref="RedisThreadStoreOptions.KeyPrefix"/> for its channel.</param>
    /// <param name="logger">Logs malformed messages and handler failures; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public RedisRunCancellationBus(IConnectionMultiplexer redis, RedisThreadStoreOptions options, ILogger<RedisRunCancellationBus>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _redis = redis;
        _channel = RedisKeys.CancelChannel(options.KeyPrefix);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The channel's name.</summary>
    public string Channel => _channel.ToString();

    /// <inheritdoc />
    public async ValueTask PublishAsync(RunCancellation cancellation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cancellation.RunId);
        cancellationToken.ThrowIfCancellationRequested();
        RedisAvailability.For(_redis, _logger).ThrowIfDown("publishing a cancel");
        try
        {
            await _redis.GetSubscriber().PublishAsync(_channel, Encode(cancellation)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            LogUnavailable(_logger, ex, "publishing a cancel");
            throw RedisFailures.Wrap(ex, "publishing a cancel");
        }
    }

    /// <inheritdoc />
    public async ValueTask<IAsyncDisposable> SubscribeAsync(Action<RunCancellation> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        cancellationToken.ThrowIfCancellationRequested();
        var subscriber = _redis.GetSubscriber();
        var subscription = new Subscription(this, subscriber, handler);
        try
        {
            await subscriber.SubscribeAsync(_channel, subscription.Callback).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            LogUnavailable(_logger, ex, "subscribing to cancels");
            throw RedisFailures.Wrap(ex, "subscribing to cancels");
        }

        return subscription;
    }

    /// <summary>The message: <c>{"a":agent,"o":owner,"t":threadId,"r":runId}</c> as UTF-8 JSON.</summary>
    internal static byte[] Encode(RunCancellation cancellation)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("a", cancellation.Key.Agent);
            writer.WriteString("o", cancellation.Key.Owner);
            writer.WriteString("t", cancellation.Key.ThreadId);
            writer.WriteString("r", cancellation.RunId);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a message written by <see cref="Encode"/>; <see langword="null"/> when it is not one.</summary>
    internal static RunCancellation? Decode(ReadOnlySpan<byte> utf8Json)
    {
        string? agent = null, owner = null, thread = null, run = null;
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                if (!reader.Read())
                {
                    return null;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }

                var value = reader.GetString();
                switch (name)
                {
                    case "a": agent = value; break;
                    case "o": owner = value; break;
                    case "t": thread = value; break;
                    case "r": run = value; break;
                    default: break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return agent is null || owner is null || thread is null || run is null
            ? null
            : new RunCancellation(new ThreadKey(agent, owner, thread), run);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Redis cancel bus: ignored a malformed message on channel '{Channel}'.")]
    private static partial void LogMalformed(ILogger logger, string channel);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Redis cancel bus: the handler failed for run '{RunId}' of thread '{ThreadId}'.")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string runId, string threadId);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Redis cancel bus unavailable while {What}.")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string what);

    private sealed class Subscription : IAsyncDisposable
    {
        private readonly RedisRunCancellationBus _bus;
        private readonly ISubscriber _subscriber;
        private readonly Action<RunCancellation> _handler;
        private int _disposed;

        public Subscription(RedisRunCancellationBus bus, ISubscriber subscriber, Action<RunCancellation> handler)
        {
            _bus = bus;
            _subscriber = subscriber;
            _handler = handler;
            Callback = OnMessage;
        }

        // One delegate instance, so that unsubscribing removes exactly this subscription's handler.
        public Action<RedisChannel, RedisValue> Callback { get; }

        private void OnMessage(RedisChannel channel, RedisValue message)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            if (Decode(((ReadOnlyMemory<byte>)message).Span) is not { } cancellation)
            {
                LogMalformed(_bus._logger, _bus.Channel);
                return;
            }

            try
            {
                _handler(cancellation);
            }
#pragma warning disable CA1031 // A handler's failure must not take down the multiplexer's message loop: it is logged.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogHandlerFailed(_bus._logger, ex, cancellation.RunId, cancellation.Key.ThreadId);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            try
            {
                await _subscriber.UnsubscribeAsync(_bus._channel, Callback).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
            {
                // The handler is already ignored; the server drops the subscription with the connection.
                LogUnavailable(_bus._logger, ex, "unsubscribing from cancels");
            }
        }
    }
}
