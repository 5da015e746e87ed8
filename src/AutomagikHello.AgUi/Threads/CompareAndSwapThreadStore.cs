using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// A thread store built on compare-and-swap, the shape every store of this library has: an operation loads the
/// thread's record, applies the contract's transition (<see cref="ThreadTransitions"/>) and stores the result only if
/// the record is still the one loaded; a lost race is retried on the newer record. So of N concurrent begins on one
/// thread exactly one wins. A store implements <see cref="LoadAsync"/> and <see cref="TrySwapAsync"/>; this class owns
/// the loop, its limit, its logging and a span per begin, complete and decision (<see cref="ActivitySourceName"/>).
/// </summary>
/// <remarks>
/// A store that pays a round trip per load can let this class remember the last record it wrote or loaded per thread
/// (a bounded cache, see the constructor): a write then tries the swap against that record without loading, and loads
/// only when the swap fails (another instance wrote since) or the transition refuses (a refusal is never decided on a
/// remembered record). Correctness rests on the compare-and-swap alone: a stale record costs one failed swap.
/// </remarks>
public abstract partial class CompareAndSwapThreadStore : IThreadStore
{
    /// <summary>
    /// The name of the <see cref="ActivitySource"/> that records a span per begin (<c>agui.store.begin</c>), complete
    /// (<c>agui.store.complete</c>) and decision (<c>agui.store.decide</c>), with the store's name, the attempts taken
    /// and the refusal's code as tags.
    /// </summary>
    public const string ActivitySourceName = "AutomagikHello.AgUi.ThreadStore";

    /// <summary>
    /// How many lost races in a row an operation tolerates. Each means another writer changed the same thread, and
    /// after one begin wins the others stop writing (busy), so this is never reached short of a bug.
    /// </summary>
    public const int MaxAttempts = 100;

    private static readonly ActivitySource Spans = new(ActivitySourceName, typeof(CompareAndSwapThreadStore).Assembly.GetName().Version?.ToString());

    private readonly string _storeName;
    private readonly ILogger _logger;
    private readonly ThreadRecordCache? _cache;

    /// <summary>Creates the store's loop, loading before every write.</summary>
    /// <param name="storeName">Names the store in logs, spans and errors (e.g. <c>SQLite</c>).</param>
    /// <param name="logger">Logs lost races; none when <see langword="null"/>.</param>
    protected CompareAndSwapThreadStore(string storeName, ILogger? logger)
        : this(storeName, logger, cachedRecords: 0, cacheWindow: TimeSpan.Zero)
    {
    }

    /// <summary>Creates the store's loop, remembering up to <paramref name="cachedRecords"/> records to skip loads.</summary>
    /// <param name="storeName">Names the store in logs, spans and errors (e.g. <c>SQLite</c>).</param>
    /// <param name="logger">Logs lost races; none when <see langword="null"/>.</param>
    /// <param name="cachedRecords">
    /// How many threads' last records this instance remembers (least recently used dropped first; 0: none, every
    /// write loads first). Memory: one record each, about the size of its JSON.
    /// </param>
    /// <param name="cacheWindow">
    /// How long after a record's <see cref="ThreadRecord.UpdatedAt"/> (against the request's time) it may be used:
    /// shorter than the time after which the store may delete an unchanged thread (its retention), less clock skew,
    /// so that a thread deleted and created again can never present the remembered version.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cachedRecords"/> or <paramref name="cacheWindow"/> is negative.</exception>
    protected CompareAndSwapThreadStore(string storeName, ILogger? logger, int cachedRecords, TimeSpan cacheWindow)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeName);
        ArgumentOutOfRangeException.ThrowIfNegative(cachedRecords);
        ArgumentOutOfRangeException.ThrowIfLessThan(cacheWindow, TimeSpan.Zero);
        _storeName = storeName;
        _logger = logger ?? NullLogger.Instance;
        _cache = cachedRecords > 0 && cacheWindow > TimeSpan.Zero ? new ThreadRecordCache(cachedRecords, cacheWindow) : null;
    }

    /// <summary>
    /// Whether a write to a thread this instance remembers no record of is first tried as if the thread were new (the
    /// swap against <see langword="null"/>, an insert), loading only when that swap fails or the transition refuses,
    /// as for a stale remembered record. A new thread's first begin then costs no load; a thread that exists but is not
    /// remembered (written by another instance, or dropped from the remembered records) costs one failed insert before
    /// its load. For a store whose failed insert costs less than a load; ignored without remembered records (every
    /// write would then guess). Default <see langword="false"/>.
    /// </summary>
    protected bool GuessesUnrememberedThreadsNew { get; init; }

    /// <inheritdoc />
    public abstract ValueTask<ThreadRecord?> GetAsync(ThreadKey key, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public ValueTask<BeginRunResult> BeginRunAsync(BeginRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApplyAsync("agui.store.begin", request.Key, request.Now, request, static (current, r) => ThreadTransitions.Begin(current, r), static r => r.Error, renewal: false, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<ThreadStoreWriteResult> CompleteRunAsync(CompleteRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApplyAsync("agui.store.complete", request.Key, request.Now, request, static (current, r) => ThreadTransitions.Complete(current, r), static r => r.Error, renewal: false, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<ThreadStoreWriteResult> UpdateLeaseAsync(UpdateLeaseRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // No span: renewals are periodic housekeeping, not steps of a run.
        return ApplyAsync(null, request.Key, request.Now, request, static (current, r) => ThreadTransitions.UpdateLease(current, r), static r => r.Error, renewal: request.Update == LeaseUpdate.Renew, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<ThreadStoreWriteResult> RecordDecisionAsync(RecordDecisionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApplyAsync("agui.store.decide", request.Key, request.Now, request, static (current, r) => ThreadTransitions.RecordDecision(current, r), static r => r.Error, renewal: false, cancellationToken);
    }

    /// <summary>Loads the thread's record as it is now, for a write: the record the swap will compare against.</summary>
    /// <param name="key">The thread.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The record, or <see langword="null"/> when the thread does not exist.</returns>
    protected abstract ValueTask<ThreadRecord?> LoadAsync(ThreadKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="next"/> only if the thread's record is still <paramref name="current"/> (same
    /// <see cref="ThreadRecord.Version"/>; <see langword="null"/>: the thread must not exist), atomically and durably
    /// as the store promises by the time the returned task completes.
    /// </summary>
    /// <param name="key">The thread.</param>
    /// <param name="current">The record loaded, or <see langword="null"/> for a new thread.</param>
    /// <param name="next">The record to store.</param>
    /// <param name="cancellationToken">Cancels before the write is sent; a write already sent is awaited.</param>
    /// <returns>
    /// <see langword="true"/> when stored; <see langword="false"/> only when the thread's record is not
    /// <paramref name="current"/>'s version (another writer changed, created or deleted it: the loop loads and
    /// retries). Every other failure throws (a store failure as <see cref="ThreadStoreUnavailableException"/>), so a
    /// failed write is never retried as a lost race.
    /// </returns>
    protected abstract ValueTask<bool> TrySwapAsync(ThreadKey key, ThreadRecord? current, ThreadRecord next, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a lease renewal: <paramref name="next"/> is <paramref name="current"/> with only its
    /// <see cref="ThreadRecord.Version"/> one higher and its <see cref="ThreadRecord.UpdatedAt"/>,
    /// <see cref="RunLease.ExpiresAt"/> and <see cref="RunLease.RenewedAt"/> moved (<see cref="ThreadRecord.UpdatedAt"/>
    /// and <see cref="RunLease.RenewedAt"/> to the same time). Same contract as <see cref="TrySwapAsync"/>, which it calls
    /// unless overridden: a store that keeps the lease apart from the rest of the record can write only the lease,
    /// since every held run renews every few seconds and the rest of its record is unchanged.
    /// </summary>
    /// <param name="key">The thread.</param>
    /// <param name="current">The record loaded or remembered; it holds the lease renewed.</param>
    /// <param name="next">The record with the lease renewed.</param>
    /// <param name="cancellationToken">Cancels before the write is sent; a write already sent is awaited.</param>
    /// <returns>As <see cref="TrySwapAsync"/>: <see langword="false"/> only when the record is no longer <paramref name="current"/>'s version.</returns>
    protected virtual ValueTask<bool> TryRenewAsync(ThreadKey key, ThreadRecord current, ThreadRecord next, CancellationToken cancellationToken) =>
        TrySwapAsync(key, current, next, cancellationToken);

    /// <summary>Called after every successful swap (the memory store counts idle threads here).</summary>
    /// <param name="current">The record replaced, or <see langword="null"/>.</param>
    /// <param name="next">The record stored.</param>
    protected virtual void OnSwapped(ThreadRecord? current, ThreadRecord next)
    {
    }

    // Load (or take the remembered record), transition, swap in only if nobody changed the record meanwhile;
    // otherwise retry on the newer record. The transition is a static lambda given its request, so a call allocates
    // no closure.
    private async ValueTask<TResult> ApplyAsync<TRequest, TResult>(
        string? span,
        ThreadKey key,
        DateTimeOffset now,
        TRequest request,
        Func<ThreadRecord?, TRequest, (ThreadRecord? Next, TResult Result)> transition,
        Func<TResult, ThreadStoreError?> errorOf,
        bool renewal,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var activity = span is null ? null : Spans.StartActivity(span, ActivityKind.Internal);
        activity?.SetTag("agui.store", _storeName);
        try
        {
            // remembered: current is a guess (the record this instance last saw, or null guessed new), to be checked.
            var current = _cache?.Get(key, now);
            var remembered = current is not null || (_cache is not null && GuessesUnrememberedThreadsNew);
            if (!remembered)
            {
                current = await LoadRememberedAsync(key, cancellationToken).ConfigureAwait(false);
            }

            for (var attempt = 1; ; attempt++)
            {
                var (next, result) = transition(current, request);
                if (next is null || ReferenceEquals(next, current))
                {
                    if (remembered)
                    {
                        // A refusal or no-op is an answer about the record as it is now: never given on a guessed one.
                        remembered = false;
                        current = await LoadRememberedAsync(key, cancellationToken).ConfigureAwait(false);
                        attempt--;
                        continue;
                    }

                    Done(activity, attempt, errorOf(result));
                    return result;
                }

                // Not abandoned on cancellation once sent: a write that lands must be seen by its caller (a begin's
                // lease would otherwise hold the thread until it expires).
                cancellationToken.ThrowIfCancellationRequested();
                bool swapped;
                try
                {
                    // A renewal's transition changes only the lease's times and the version (ThreadTransitions.UpdateLease).
                    swapped = renewal && current is not null
                        ? await TryRenewAsync(key, current, next, cancellationToken).ConfigureAwait(false)
                        : await TrySwapAsync(key, current, next, cancellationToken).ConfigureAwait(false);
                }
                catch when (_cache is not null)
                {
                    _cache.Remove(key); // Whether the write landed is unknown.
                    throw;
                }

                if (swapped)
                {
                    _cache?.Set(next);
                    OnSwapped(current, next);
                    Done(activity, attempt, errorOf(result));
                    return result;
                }

                if (remembered)
                {
                    // Another instance wrote since this one remembered the record (or created the thread guessed new):
                    // load, as without a cache.
                    remembered = false;
                    _cache!.Remove(key);
                    attempt--;
                }
                else if (attempt >= MaxAttempts)
                {
                    throw new ThreadStoreUnavailableException(
                        $"The {_storeName} thread store lost {MaxAttempts} races in a row on thread '{key.ThreadId}'; the thread is changing too fast to update.");
                }
                else
                {
                    LogLostRace(_logger, _storeName, key.ThreadId, attempt);
                }

                current = await LoadRememberedAsync(key, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }

    private async ValueTask<ThreadRecord?> LoadRememberedAsync(ThreadKey key, CancellationToken cancellationToken)
    {
        var record = await LoadAsync(key, cancellationToken).ConfigureAwait(false);
        if (_cache is not null)
        {
            if (record is null)
            {
                _cache.Remove(key);
            }
            else
            {
                _cache.Set(record);
            }
        }

        return record;
    }

    private static void Done(Activity? activity, int attempts, ThreadStoreError? error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("agui.store.attempts", attempts);
        if (error is not null)
        {
            activity.SetTag("agui.store.error", error.Code);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "{Store} thread store: lost a race on thread '{ThreadId}' (attempt {Attempt}); retrying on the newer record.")]
    private static partial void LogLostRace(ILogger logger, string store, string threadId, int attempt);
}
