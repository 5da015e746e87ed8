using System.Diagnostics;
using System.Runtime.CompilerServices;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AutomagikHello.AgUi.Redis;

/// <summary>
/// Whether Redis is known to be down, per connection, so that requests fail at once during an outage instead of each
/// waiting for the multiplexer's timeout (5 s by default). The connection's <c>ConnectionFailed</c> event, or an
/// operation failing with a lost connection or a timeout, marks it down; <c>ConnectionRestored</c>, or any operation
/// that succeeds, marks it up. While it is down, an operation throws <see cref="ThreadStoreUnavailableException"/>
/// without trying, except one probe per <see cref="ProbeInterval"/> while the multiplexer says it is connected (a
/// connection that stays open but does not answer sends no event).
/// </summary>
internal sealed partial class RedisAvailability
{
    /// <summary>How often, while marked down but connected, one operation is let through to find out.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    private static readonly ConditionalWeakTable<IConnectionMultiplexer, RedisAvailability> ByConnection = new();

    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger _logger;

    // 0 while up; else the Stopwatch timestamp at which it went down.
    private long _downSince;
    private long _nextProbe;
    private Exception? _failure;

    private RedisAvailability(IConnectionMultiplexer redis, ILogger logger)
    {
        _redis = redis;
        _logger = logger;
        redis.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                MarkDown(e.Exception ?? new RedisConnectionException(e.FailureType, CommandFlags.None, $"The connection to {e.EndPoint} failed: {e.FailureType}.", null, CommandStatus.Unknown));
            }
        };
        redis.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                MarkUp();
            }
        };
    }

    /// <summary>The state of <paramref name="redis"/>, shared by everything that uses that connection.</summary>
    public static RedisAvailability For(IConnectionMultiplexer redis, ILogger logger) =>
        ByConnection.GetValue(redis, r => new RedisAvailability(r, logger));

    /// <summary>Throws <see cref="ThreadStoreUnavailableException"/> at once while Redis is known to be down.</summary>
    /// <param name="what">What was about to be done, for the message.</param>
    public void ThrowIfDown(string what)
    {
        var downSince = Volatile.Read(ref _downSince);
        if (downSince == 0 || (_redis.IsConnected && TryTakeProbe()))
        {
            return;
        }

        var failure = Volatile.Read(ref _failure)!; // written before _downSince
        throw new ThreadStoreUnavailableException(
            $"Redis is unavailable: {what} was not tried; the connection has been down for {Stopwatch.GetElapsedTime(downSince).TotalSeconds:F1} s ({failure.GetType().Name}: {failure.Message}).",
            failure);
    }

    /// <summary>Records an operation's outcome: a lost connection or a timeout marks Redis down, anything else up.</summary>
    public void Observe(Exception? failure)
    {
        if (failure is RedisConnectionException or RedisTimeoutException)
        {
            MarkDown(failure);
        }
        else if (failure is null)
        {
            MarkUp();
        }
    }

    private void MarkDown(Exception failure)
    {
        var now = Stopwatch.GetTimestamp();
        Volatile.Write(ref _nextProbe, now + (long)(ProbeInterval.TotalSeconds * Stopwatch.Frequency));
        Volatile.Write(ref _failure, failure);
        if (Interlocked.CompareExchange(ref _downSince, now, 0) == 0)
        {
            LogDown(_logger, failure);
        }
    }

    private void MarkUp()
    {
        if (Volatile.Read(ref _downSince) != 0 && Interlocked.Exchange(ref _downSince, 0) is var since and not 0)
        {
            var down = Stopwatch.GetElapsedTime(since);
            LogUp(_logger, down);
        }
    }

    private bool TryTakeProbe()
    {
        var now = Stopwatch.GetTimestamp();
        var next = Volatile.Read(ref _nextProbe);
        return now >= next
            && Interlocked.CompareExchange(ref _nextProbe, now + (long)(ProbeInterval.TotalSeconds * Stopwatch.Frequency), next) == next;
    }

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Redis is down: thread-store requests fail at once with STORE_UNAVAILABLE until the connection is restored.")]
    private static partial void LogDown(ILogger logger, Exception failure);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Redis is back after {Outage}: thread-store requests are served again.")]
    private static partial void LogUp(ILogger logger, TimeSpan outage);
}
