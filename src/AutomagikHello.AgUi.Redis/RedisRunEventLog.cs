using System.Globalization;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AutomagikHello.AgUi.Redis;

/// <summary>
/// Run event logs on Redis Streams, shared by every instance: a reader on any instance reads and tails a run another
/// instance writes. Each run has a state hash (status, last id, start, expiry, size), its start conversation, and a
/// stream with one entry per append: its events as one <see cref="RunLogBatch"/> (field <c>b</c>), the entry's id
/// <c>0-N</c> with N the log id of its last event; the thread's latest run is a small hash beside them. One entry per
/// append, not per event, because Redis and the client charge mostly per stream entry and per argument. Create, append, finish and read are each one Lua script, so an append of several entries is atomic, its ids must
/// continue the log, and of a writer's terminal append and any number of finishers exactly one terminal is written.
/// </summary>
/// <remarks>
/// Every append and finish is announced on the channel <c>{KeyPrefix}runlog</c>, from inside its script; a waiting reader
/// on any instance wakes on it (typically well under a millisecond on a LAN), and checks Redis itself every
/// <see cref="RedisThreadStoreOptions.RunLogPollInterval"/> in case an announcement was lost. Retention is key TTLs: a
/// run's events and conversation expire <see cref="RedisThreadStoreOptions.RunLogRetention"/> after its start, its state
/// hash <see cref="RedisThreadStoreOptions.ExpiredRunMemory"/> later (it reads as expired meanwhile). One run holds at
/// most <see cref="RedisThreadStoreOptions.RunLogMaxEvents"/> events and <see cref="RedisThreadStoreOptions.RunLogMaxBytes"/>
/// bytes: an append beyond either drops its log. The total is bounded by Redis's own memory limit. Connection failures
/// surface as <see cref="ThreadStoreUnavailableException"/>. The log does not own the multiplexer.
/// </remarks>
public sealed partial class RedisRunEventLog : IRunEventLog, IAsyncDisposable
{
    // KEYS: state, conversation, latest, stream. ARGV: started, expires, forgotten (when the state hash goes),
    // conversation, run id, then optionally the first entries: their batch, count, terminal (1: the last is), their
    // events' bytes, channel, message. 0 when the run's state exists (nothing changes), else 1. The latest-run pointer
    // names the run created last (Redis orders the creates; start times come from the instances' clocks).
    private const string CreateScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        local last, status, bytes = 0, 'o', string.len(ARGV[4])
        if ARGV[6] then
          last = tonumber(ARGV[7])
          bytes = bytes + tonumber(ARGV[9])
          if ARGV[8] == '1' then status = 'f' end
          redis.call('XADD', KEYS[4], string.format('0-%d', last), 'b', ARGV[6])
          redis.call('PEXPIREAT', KEYS[4], ARGV[2])
        end
        redis.call('HSET', KEYS[1], 's', status, 'l', last, 't', ARGV[1], 'x', ARGV[2], 'b', bytes)
        redis.call('PEXPIREAT', KEYS[1], ARGV[3])
        redis.call('SET', KEYS[2], ARGV[4])
        redis.call('PEXPIREAT', KEYS[2], ARGV[2])
        redis.call('HSET', KEYS[3], 'r', ARGV[5], 't', ARGV[1])
        redis.call('PEXPIREAT', KEYS[3], ARGV[2])
        if ARGV[6] then redis.call('PUBLISH', ARGV[10], ARGV[11]) end
        return 1
        """;

    // KEYS: state, latest. ARGV: started, expires, forgotten, run id. A run whose first write is past the run's bounds gets
    // no log but is still the thread's newest: its state reads as dropped and the latest-run pointer names it (so it has
    // no conversation, and no older run stands in for it). 0 when the run's state exists (nothing changes), else 1.
    private const string RefuseScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 's', 'x', 'l', 0, 't', ARGV[1], 'x', ARGV[2], 'b', 0)
        redis.call('PEXPIREAT', KEYS[1], ARGV[3])
        redis.call('HSET', KEYS[2], 'r', ARGV[4], 't', ARGV[1])
        redis.call('PEXPIREAT', KEYS[2], ARGV[2])
        return 1
        """;

    // KEYS: state, conversation, stream. ARGV: first id, terminal (1: the last event is), max events, max bytes, channel,
    // message, the batch, its event count, its events' bytes. Returns {code, last id as found}: 0 appended, -1 unknown,
    // -2 finished, -3 expired, -4 ids do not continue, -5 over the run's bounds (the log is dropped). The stream's
    // expiry is set once, by the append that creates it (it never changes: it counts from the run's start).
    private const string AppendScript = """
        local m = redis.call('HMGET', KEYS[1], 's', 'l', 'x', 'b')
        if not m[1] then return {-1, 0} end
        local last = tonumber(m[2])
        if m[1] == 'x' or redis.call('EXISTS', KEYS[2]) == 0 then return {-3, last} end
        if m[1] == 'f' then return {-2, last} end
        if tonumber(ARGV[1]) ~= last + 1 then return {-4, last} end
        local n = tonumber(ARGV[8])
        local bytes = tonumber(m[4]) + tonumber(ARGV[9])
        if last + n > tonumber(ARGV[3]) or bytes > tonumber(ARGV[4]) then
          redis.call('DEL', KEYS[2], KEYS[3])
          redis.call('HSET', KEYS[1], 's', 'x')
          redis.call('PUBLISH', ARGV[5], ARGV[6])
          return {-5, last}
        end
        redis.call('XADD', KEYS[3], string.format('0-%d', last + n), 'b', ARGV[7])
        if last == 0 then redis.call('PEXPIREAT', KEYS[3], m[3]) end
        redis.call('HSET', KEYS[1], 's', ARGV[2] == '1' and 'f' or 'o', 'l', last + n, 'b', bytes)
        redis.call('PUBLISH', ARGV[5], ARGV[6])
        return {0, last + n}
        """;

    // KEYS: state, conversation, stream. ARGV: the terminal event as a batch, channel, message, the event's bytes.
    // Returns {-1} unknown, {-3} expired, {0, id} appended, {1, id, batch} the batch holding the terminal already there.
    private const string FinishScript = """
        local m = redis.call('HMGET', KEYS[1], 's', 'l', 'x')
        if not m[1] then return {-1} end
        local last = tonumber(m[2])
        if m[1] == 'x' or redis.call('EXISTS', KEYS[2]) == 0 then return {-3} end
        if m[1] == 'f' then
          local id = string.format('0-%d', last)
          local e = redis.call('XRANGE', KEYS[3], id, id)
          return {1, last, e[1][2][2]}
        end
        redis.call('XADD', KEYS[3], string.format('0-%d', last + 1), 'b', ARGV[1])
        if last == 0 then redis.call('PEXPIREAT', KEYS[3], m[3]) end
        redis.call('HSET', KEYS[1], 's', 'f', 'l', last + 1)
        redis.call('HINCRBY', KEYS[1], 'b', ARGV[4])
        redis.call('PUBLISH', ARGV[2], ARGV[3])
        return {0, last + 1}
        """;

    // KEYS: state, conversation, stream. ARGV: first id wanted, how many (0: only the state). Returns {status} for an
    // unknown (0) or expired (3) log, else {status, last id[, entries]} with status 1 open, 2 finished (RunLogStatus):
    // the stream entries (batches) holding the ids wanted, the first and last possibly holding others too.
    private const string ReadScript = """
        local m = redis.call('HMGET', KEYS[1], 's', 'l')
        if not m[1] then return {0} end
        if m[1] == 'x' or redis.call('EXISTS', KEYS[2]) == 0 then return {3} end
        local status = m[1] == 'f' and 2 or 1
        local last = tonumber(m[2])
        if ARGV[2] == '0' or tonumber(ARGV[1]) > last then return {status, last} end
        local upto = math.min(tonumber(ARGV[1]) + tonumber(ARGV[2]) - 1, last)
        local found = redis.call('XRANGE', KEYS[3], '0-' .. ARGV[1], string.format('0-%d', upto))
        if upto < last and (#found == 0 or found[#found][1] ~= string.format('0-%d', upto)) then
          local rest = redis.call('XRANGE', KEYS[3], string.format('0-%d', upto + 1), '+', 'COUNT', 1)
          if rest[1] then found[#found + 1] = rest[1] end
        end
        return {status, last, found}
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisThreadStoreOptions _options;
    private readonly ILogger _logger;
    private readonly RedisAvailability _availability;
    private readonly RedisChannel _channel;
    private readonly RedisValue _channelName;
    private readonly RunLogWaiters _waiters = new();
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private readonly Action<RedisChannel, RedisValue> _onAnnouncement;
    private volatile bool _subscribed;
    private volatile bool _disposed;

    /// <summary>Creates the log over a connection the caller owns.</summary>
    /// <param name="redis">The connection (shared by the whole application; create it with <c>abortConnect=false</c>).</param>
    /// <param name="options">The settings, validated here; every instance must use the same.</param>
    /// <param name="logger">Logs failures and malformed announcements; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public RedisRunEventLog(IConnectionMultiplexer redis, RedisThreadStoreOptions options, ILogger<RedisRunEventLog>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _redis = redis;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _availability = RedisAvailability.For(redis, _logger);
        _channel = RedisKeys.RunLogChannel(options.KeyPrefix);
        _channelName = _channel.ToString();
        _onAnnouncement = OnAnnouncement;
    }

    private IDatabase Database => _redis.GetDatabase(_options.Database);

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">Redis is unreachable or did not answer in time.</exception>
    public ValueTask<bool> CreateAsync(RunLogStart start, CancellationToken cancellationToken = default) =>
        CreateAndAppendAsync(start, [], cancellationToken);

    /// <inheritdoc />
    /// <remarks>One script: one round trip for the creation and the append.</remarks>
    /// <exception cref="InvalidOperationException">Also when the entries exceed <see cref="RedisThreadStoreOptions.RunLogMaxEvents"/> or, with the conversation, <see cref="RedisThreadStoreOptions.RunLogMaxBytes"/>: the run then gets no log, reads as expired, and leaves its thread with no latest run.</exception>
    /// <exception cref="ThreadStoreUnavailableException">Redis is unreachable or did not answer in time.</exception>
    public async ValueTask<bool> CreateAndAppendAsync(RunLogStart start, IReadOnlyList<RunLogEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        RunLogChecks.CheckFirstAppend(start.Key, entries);
        var bytes = EventBytes(entries);
        var state = RedisKeys.RunLog(_options.KeyPrefix, start.Key);
        var started = start.StartedAt.ToUnixTimeMilliseconds();
        var expires = (start.StartedAt + _options.RunLogRetention).ToUnixTimeMilliseconds();
        var forgotten = (start.StartedAt + _options.RunLogRetention + _options.ExpiredRunMemory).ToUnixTimeMilliseconds();
        if (entries.Count > _options.RunLogMaxEvents || start.Conversation.Length + bytes > _options.RunLogMaxBytes)
        {
            var refused = await EvaluateAsync(
                RefuseScript,
                [state, RedisKeys.LatestRun(_options.KeyPrefix, start.Key.Thread)],
                [started, expires, forgotten, start.Key.RunId],
                "refusing a run log",
                cancellationToken).ConfigureAwait(false);
            return (long)refused == 0
                ? false
                : throw new InvalidOperationException(
                    $"The event log of run '{start.Key}' would start past its bounds ({_options.RunLogMaxEvents} events, {_options.RunLogMaxBytes} bytes). It gets no log: it reads as expired, and its thread has no latest run.");
        }

        RedisValue[] values = entries.Count == 0
            ? [started, expires, forgotten, start.Conversation, start.Key.RunId]
            :
            [
                started, expires, forgotten, start.Conversation, start.Key.RunId,
                RunLogBatch.Encode(entries), entries.Count, entries[^1].IsTerminal ? 1 : 0, bytes, _channelName, Announcement(start.Key),
            ];
        var created = await EvaluateAsync(
            CreateScript,
            [state, state + ":c", RedisKeys.LatestRun(_options.KeyPrefix, start.Key.Thread), state + ":e"],
            values,
            "creating a run log",
            cancellationToken).ConfigureAwait(false);
        if ((long)created == 1 && entries.Count > 0)
        {
            _waiters.Signal(start.Key);
        }

        return (long)created == 1;
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">Redis is unreachable or did not answer in time.</exception>
    public async ValueTask AppendAsync(RunLogKey key, IReadOnlyList<RunLogEntry> entries, CancellationToken cancellationToken = default)
    {
        RunLogChecks.CheckAppend(key, entries);
        if (entries.Count == 0)
        {
            return;
        }

        var bytes = EventBytes(entries);
        var state = RedisKeys.RunLog(_options.KeyPrefix, key);
        RedisValue[] values =
        [
            entries[0].Id, entries[^1].IsTerminal ? 1 : 0, _options.RunLogMaxEvents, _options.RunLogMaxBytes, _channelName, Announcement(key),
            RunLogBatch.Encode(entries), entries.Count, bytes,
        ];
        var result = (RedisResult[])(await EvaluateAsync(AppendScript, Keys(state), values, "appending to a run log", cancellationToken).ConfigureAwait(false))!;
        var code = (long)result[0];
        if (code != 0)
        {
            if (code == -5)
            {
                _waiters.Signal(key);
                LogRunTooLarge(_logger, key.RunId, key.Thread.ThreadId, _options.RunLogMaxEvents, _options.RunLogMaxBytes);
            }

            throw RunLogChecks.Refused(key, entries, code switch
            {
                -1 => RunLogStatus.Unknown,
                -2 => RunLogStatus.Finished,
                -4 => RunLogStatus.Open,
                _ => RunLogStatus.Expired,
            }, (long)result[1]);
        }

        _waiters.Signal(key);
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">Redis is unreachable or did not answer in time.</exception>
    public async ValueTask<RunLogEntry?> FinishAsync(RunLogKey key, ReadOnlyMemory<byte> terminalEvent, CancellationToken cancellationToken = default)
    {
        var state = RedisKeys.RunLog(_options.KeyPrefix, key);
        var result = (RedisResult[])(await EvaluateAsync(
            FinishScript,
            Keys(state),
            [RunLogBatch.Encode([new RunLogEntry(1, terminalEvent, true)]), _channelName, Announcement(key), terminalEvent.Length],
            "finishing a run log",
            cancellationToken).ConfigureAwait(false))!;
        switch ((long)result[0])
        {
            case 0:
                _waiters.Signal(key);
                return new RunLogEntry((long)result[1], terminalEvent, true);
            case 1:
                var last = (long)result[1];
                var existing = new List<RunLogEntry>(1);
                Decode(last, (byte[])result[2]!, last - 1, last, last, existing);
                return existing[0];
            default:
                return null;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterId"/> is negative or <paramref name="maxEntries"/> is not positive.</exception>
    /// <exception cref="ThreadStoreUnavailableException">Redis is unreachable or did not answer in time.</exception>
    public async ValueTask<RunLogRead> ReadAsync(RunLogKey key, long afterId, int maxEntries, CancellationToken cancellationToken = default)
    {
        RunLogChecks.CheckRead(afterId, maxEntries);
        var result = await ReadStateAsync(key, afterId, maxEntries, cancellationToken).ConfigureAwait(false);
        var status = (RunLogStatus)(long)result[0];
        if (result.Length == 1)
        {
            return new RunLogRead { Status = status, Entries = [], LastId = 0 };
        }

        var last = (long)result[1];
        if (result.Length == 2)
        {
            return new RunLogRead { Status = status, Entries = [], LastId = last };
        }

        var stream = (RedisResult[])result[2]!;
        var upto = afterId > last - maxEntries ? last : afterId + maxEntries;
        var entries = new List<RunLogEntry>(Math.Min(maxEntries, (int)Math.Min(upto - afterId, 1024)));
        foreach (var batch in stream)
        {
            var entry = (RedisResult[])batch!;
            var id = long.Parse(((string)entry[0]!).AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture);
            Decode(id, (byte[])((RedisResult[])entry[1]!)[1]!, afterId, upto, status == RunLogStatus.Finished ? last : 0, entries);
        }

        return new RunLogRead { Status = status, Entries = entries, LastId = last };
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">Redis is unreachable or did not answer in time.</exception>
    public async ValueTask<bool> WaitAsync(RunLogKey key, long afterId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_subscribed)
        {
            await SubscribeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await _waiters.WaitAsync(
            key,
            async ct =>
            {
                var state = await ReadStateAsync(key, 0, 0, ct).ConfigureAwait(false);
                return state.Length == 1 || (long)state[0] != (long)RunLogStatus.Open || (long)state[1] > afterId;
            },
            timeout,
            _options.RunLogPollInterval,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">Redis is unreachable or did not answer in time.</exception>
    public async ValueTask<RunLogStart?> GetLatestRunAsync(ThreadKey thread, CancellationToken cancellationToken = default)
    {
        var latest = await RunAsync(
            static (db, key) => db.HashGetAsync(key, ["r", "t"]), RedisKeys.LatestRun(_options.KeyPrefix, thread), "reading a thread's latest run", cancellationToken).ConfigureAwait(false);
        if (latest[0].IsNull || latest[1].IsNull)
        {
            return null;
        }

        var key = new RunLogKey(thread, latest[0]!);
        var conversation = await RunAsync(
            static (db, state) => db.StringGetAsync(state + ":c"), RedisKeys.RunLog(_options.KeyPrefix, key), "reading a thread's latest run", cancellationToken).ConfigureAwait(false);
        return conversation.IsNull
            ? null
            : new RunLogStart { Key = key, StartedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)latest[1]), Conversation = (byte[])conversation! };
    }

    /// <summary>Stops listening to the run-log channel; waits still running check Redis every poll interval until they end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_subscribed)
        {
            try
            {
                await _redis.GetSubscriber().UnsubscribeAsync(_channel, _onAnnouncement).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
            {
                LogUnavailable(_logger, ex, "unsubscribing from run-log announcements");
            }
        }
    }

    // The announcement of an append or finish: the run, encoded like a cancel message.
    private static byte[] Announcement(RunLogKey key) => RedisRunCancellationBus.Encode(new RunCancellation(key.Thread, key.RunId));

    private static long EventBytes(IReadOnlyList<RunLogEntry> entries)
    {
        long bytes = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            bytes += entries[i].Event.Length;
        }

        return bytes;
    }

    // The events of the stream entry (a batch) whose last event has id lastId.
    private static void Decode(long lastId, byte[] batch, long afterId, long uptoId, long terminalId, List<RunLogEntry> into) =>
        RunLogBatch.Decode(lastId - RunLogBatch.Count(batch) + 1, batch, afterId, uptoId, terminalId, into);

    private static RedisKey[] Keys(string state) => [state, state + ":c", state + ":e"];

    private async Task<RedisResult[]> ReadStateAsync(RunLogKey key, long afterId, int maxEntries, CancellationToken cancellationToken)
    {
        var from = afterId == long.MaxValue ? long.MaxValue : afterId + 1;
        var result = await EvaluateAsync(
            ReadScript, Keys(RedisKeys.RunLog(_options.KeyPrefix, key)), [from, maxEntries], "reading a run log", cancellationToken).ConfigureAwait(false);
        return (RedisResult[])result!;
    }

    private Task<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values, string what, CancellationToken cancellationToken) =>
        RunAsync(static (db, arg) => db.ScriptEvaluateAsync(arg.script, arg.keys, arg.values), (script, keys, values), what, cancellationToken);

    // One Redis call with the store's failure handling. A write already sent is awaited (the multiplexer's timeout
    // bounds it), so the caller never loses sight of a write that landed; cancellation is observed before sending.
    private async Task<TResult> RunAsync<TArg, TResult>(Func<IDatabase, TArg, Task<TResult>> call, TArg arg, string what, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _availability.ThrowIfDown(what);
        try
        {
            var result = await call(Database, arg).ConfigureAwait(false);
            _availability.Observe(null);
            return result;
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            _availability.Observe(ex);
            LogUnavailable(_logger, ex, what);
            throw RedisFailures.Wrap(ex, what);
        }
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        await _subscribing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_subscribed)
            {
                return;
            }

            await _redis.GetSubscriber().SubscribeAsync(_channel, _onAnnouncement).WaitAsync(cancellationToken).ConfigureAwait(false);
            _subscribed = true;
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            // The wait polls meanwhile; the next wait tries to subscribe again.
            LogUnavailable(_logger, ex, "subscribing to run-log announcements");
        }
        finally
        {
            _subscribing.Release();
        }
    }

    private void OnAnnouncement(RedisChannel channel, RedisValue message)
    {
        if (RedisRunCancellationBus.Decode(((ReadOnlyMemory<byte>)message).Span) is { } run)
        {
            _waiters.Signal(new RunLogKey(run.Key, run.RunId));
        }
        else
        {
            LogMalformed(_logger, _channel.ToString());
        }
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Error, Message = "Redis run event log unavailable while {What}.")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string what);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Redis run event log: ignored a malformed announcement on channel '{Channel}'.")]
    private static partial void LogMalformed(ILogger logger, string channel);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "Redis run event log: run '{RunId}' of thread '{ThreadId}' went past {MaxEvents} events or {MaxBytes} bytes; its log was dropped.")]
    private static partial void LogRunTooLarge(ILogger logger, string runId, string threadId, int maxEvents, long maxBytes);
}
