using System.Text;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AutomagikHello.AgUi.Redis;

/// <summary>
/// A thread store in Redis, shared by every instance of an application: no sticky sessions needed. Each thread is one
/// hash holding the record's version (<c>v</c>) and its JSON (<c>r</c>). A write applies the contract's transition to
/// the record as read and then runs a Lua script that stores the new record only if the version is still the one read
/// (compare-and-swap, <see cref="CompareAndSwapThreadStore"/>'s loop); a lost race is retried on the newer record. So of N concurrent begins on one thread, across any
/// number of instances, exactly one wins.
/// </summary>
/// <remarks>
/// Every write sets the key's TTL to <see cref="RedisThreadStoreOptions.Retention"/>, or to the remaining lease when
/// that is longer, so a lease never outlives its record. Connection-level failures (Redis down or unreachable, a
/// timeout, a server loading or failing over) surface as <see cref="ThreadStoreUnavailableException"/>. Create the
/// multiplexer with <c>abortConnect=false</c> so that an instance starts while Redis is down and recovers when it
/// returns. The store does not own the multiplexer. Cancellation is observed between steps: a write already sent is
/// awaited (the multiplexer's timeout bounds it), so a caller never loses sight of a write that landed.
/// </remarks>
public sealed partial class RedisThreadStore : CompareAndSwapThreadStore
{
    private static readonly RedisValue VersionField = "v";
    private static readonly RedisValue RecordField = "r";

    // KEYS[1] thread; ARGV[1] expected version (0: the key must not exist); ARGV[2] new version; ARGV[3] record JSON;
    // ARGV[4] TTL in milliseconds. Returns 1 when written, 0 when the version had changed.
    private const string CompareAndSwapScript = """
        local current = redis.call('HGET', KEYS[1], 'v') or '0'
        if current ~= ARGV[1] then
          return 0
        end
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 'r', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisThreadStoreOptions _options;
    private readonly ILogger _logger;
    private readonly RedisAvailability _availability;

    /// <summary>Creates the store over a connection the caller owns.</summary>
    /// <param name="redis">The connection (shared by the whole application; create it with <c>abortConnect=false</c>).</param>
    /// <param name="options">The settings, validated here.</param>
    /// <param name="logger">Logs failures and lost races; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public RedisThreadStore(IConnectionMultiplexer redis, RedisThreadStoreOptions options, ILogger<RedisThreadStore>? logger = null)
        : base("Redis", logger, Validated(options).CachedRecords, options.Retention / 2)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _availability = RedisAvailability.For(redis, _logger);
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">Redis is unreachable or did not answer in time.</exception>
    public override ValueTask<ThreadRecord?> GetAsync(ThreadKey key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ReadThreadAsync(key, "reading a thread", cancellationToken);
    }

    private static RedisThreadStoreOptions Validated(RedisThreadStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    private IDatabase Database => _redis.GetDatabase(_options.Database);

    /// <summary>How long a key written with <paramref name="record"/> lives: the retention, or the lease when longer.</summary>
    internal TimeSpan TimeToLive(ThreadRecord record)
    {
        var ttl = _options.Retention;
        if (record.Lease is { } lease)
        {
            var leaseLeft = lease.ExpiresAt - record.UpdatedAt;
            if (leaseLeft > ttl)
            {
                ttl = leaseLeft;
            }
        }

        return ttl;
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">Redis is unreachable or did not answer in time.</exception>
    protected override ValueTask<ThreadRecord?> LoadAsync(ThreadKey key, CancellationToken cancellationToken) =>
        ReadThreadAsync(key, "writing a thread", cancellationToken);

    private async ValueTask<ThreadRecord?> ReadThreadAsync(ThreadKey key, string what, CancellationToken cancellationToken)
    {
        _availability.ThrowIfDown(what);
        try
        {
            var record = await ReadAsync(Database, RedisKeys.Thread(_options.KeyPrefix, key), cancellationToken).ConfigureAwait(false);
            _availability.Observe(null);
            return record;
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            throw Unavailable(ex, what);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ThreadStoreUnavailableException">Redis is unreachable or did not answer in time.</exception>
    protected override async ValueTask<bool> TrySwapAsync(ThreadKey key, ThreadRecord? current, ThreadRecord next, CancellationToken cancellationToken)
    {
        // A swap on a remembered record comes without a load in front: fail fast during an outage here too.
        _availability.ThrowIfDown("writing a thread");
        try
        {
            // Not abandoned on cancellation: the multiplexer's own timeout bounds the wait.
            var written = await Database.ScriptEvaluateAsync(
                CompareAndSwapScript,
                [RedisKeys.Thread(_options.KeyPrefix, key)],
                [current?.Version ?? 0, next.Version, ThreadRecordSerializer.Serialize(next), (long)TimeToLive(next).TotalMilliseconds]).ConfigureAwait(false);
            _availability.Observe(null);
            return (int)written == 1;
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            throw Unavailable(ex, "writing a thread");
        }
    }

    private static async Task<ThreadRecord?> ReadAsync(IDatabase database, RedisKey key, CancellationToken cancellationToken)
    {
        using var lease = await database.HashGetLeaseAsync(key, RecordField).WaitAsync(cancellationToken).ConfigureAwait(false);
        return lease is null ? null : ThreadRecordSerializer.Deserialize(lease.Span);
    }

    private ThreadStoreUnavailableException Unavailable(Exception ex, string what)
    {
        _availability.Observe(ex);
        LogUnavailable(_logger, ex, what);
        return RedisFailures.Wrap(ex, what);
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Redis thread store unavailable while {What}.")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string what);
}

/// <summary>The store's key names.</summary>
internal static class RedisKeys
{
    /// <summary><c>{prefix}thread:{agent}:{owner}:{threadId}</c>, each part with <c>%</c> and <c>:</c> escaped so keys cannot collide.</summary>
    public static RedisKey Thread(string prefix, ThreadKey key) => ThreadBuilder(prefix, "thread:", key, 0).ToString();

    /// <summary>
    /// A run's event log: <c>{prefix}runlog:{agent}:{owner}:{threadId}:{runId}</c> (its state hash), escaped like thread
    /// keys; its conversation and its stream are that name with <c>:c</c> and <c>:e</c> appended (an escaped run id holds
    /// no <c>:</c>, so these cannot collide with another run's).
    /// </summary>
    public static string RunLog(string prefix, RunLogKey key) =>
        Escape(ThreadBuilder(prefix, "runlog:", key.Thread, key.RunId.Length + 1).Append(':'), key.RunId).ToString();

    /// <summary>The thread's latest run: <c>{prefix}runlatest:{agent}:{owner}:{threadId}</c>.</summary>
    public static RedisKey LatestRun(string prefix, ThreadKey key) => ThreadBuilder(prefix, "runlatest:", key, 0).ToString();

    /// <summary>The run-log channel, where every append and finish is announced: <c>{prefix}runlog</c>.</summary>
    public static RedisChannel RunLogChannel(string prefix) => RedisChannel.Literal(prefix + "runlog");

    private static StringBuilder ThreadBuilder(string prefix, string kind, ThreadKey key, int extra)
    {
        var builder = new StringBuilder(prefix.Length + kind.Length + key.Agent.Length + key.Owner.Length + key.ThreadId.Length + extra + 16);
        builder.Append(prefix).Append(kind);
        Escape(builder, key.Agent).Append(':');
        Escape(builder, key.Owner).Append(':');
        return Escape(builder, key.ThreadId);
    }

    /// <summary>The cancel channel: <c>{prefix}cancel</c>.</summary>
    public static RedisChannel CancelChannel(string prefix) => RedisChannel.Literal(prefix + "cancel");

    private static StringBuilder Escape(StringBuilder builder, string part)
    {
        foreach (var c in part)
        {
            _ = c switch
            {
                '%' => builder.Append("%25"),
                ':' => builder.Append("%3A"),
                _ => builder.Append(c),
            };
        }

        return builder;
    }
}
