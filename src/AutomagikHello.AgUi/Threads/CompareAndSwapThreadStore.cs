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

    /// <summary>Creates the store's loop.</summary>
    /// <param name="storeName">Names the store in logs, spans and errors (e.g. <c>SQLite</c>).</param>
    /// <param name="logger">Logs lost races; none when <see langword="null"/>.</param>
    protected CompareAndSwapThreadStore(string storeName, ILogger? logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeName);
        _storeName = storeName;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public abstract ValueTask<ThreadRecord?> GetAsync(ThreadKey key, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public ValueTask<BeginRunResult> BeginRunAsync(BeginRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApplyAsync("agui.store.begin", request.Key, request, static (current, r) => ThreadTransitions.Begin(current, r), static r => r.Error, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<ThreadStoreWriteResult> CompleteRunAsync(CompleteRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApplyAsync("agui.store.complete", request.Key, request, static (current, r) => ThreadTransitions.Complete(current, r), static r => r.Error, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<ThreadStoreWriteResult> UpdateLeaseAsync(UpdateLeaseRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // No span: renewals are periodic housekeeping, not steps of a run.
        return ApplyAsync(null, request.Key, request, static (current, r) => ThreadTransitions.UpdateLease(current, r), static r => r.Error, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<ThreadStoreWriteResult> RecordDecisionAsync(RecordDecisionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ApplyAsync("agui.store.decide", request.Key, request, static (current, r) => ThreadTransitions.RecordDecision(current, r), static r => r.Error, cancellationToken);
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
    /// <returns><see langword="true"/> when stored; <see langword="false"/> when the record had changed (a lost race).</returns>
    protected abstract ValueTask<bool> TrySwapAsync(ThreadKey key, ThreadRecord? current, ThreadRecord next, CancellationToken cancellationToken);

    /// <summary>Called after every successful swap (the memory store counts idle threads here).</summary>
    /// <param name="current">The record replaced, or <see langword="null"/>.</param>
    /// <param name="next">The record stored.</param>
    protected virtual void OnSwapped(ThreadRecord? current, ThreadRecord next)
    {
    }

    // Load, transition, swap in only if nobody changed the record meanwhile; otherwise retry on the newer record.
    // The transition is a static lambda given its request, so a call allocates no closure.
    private async ValueTask<TResult> ApplyAsync<TRequest, TResult>(
        string? span,
        ThreadKey key,
        TRequest request,
        Func<ThreadRecord?, TRequest, (ThreadRecord? Next, TResult Result)> transition,
        Func<TResult, ThreadStoreError?> errorOf,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var activity = span is null ? null : Spans.StartActivity(span, ActivityKind.Internal);
        activity?.SetTag("agui.store", _storeName);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var current = await LoadAsync(key, cancellationToken).ConfigureAwait(false);
                var (next, result) = transition(current, request);
                if (next is null || ReferenceEquals(next, current))
                {
                    Done(activity, attempt, errorOf(result));
                    return result;
                }

                // Not abandoned on cancellation once sent: a write that lands must be seen by its caller (a begin's
                // lease would otherwise hold the thread until it expires).
                cancellationToken.ThrowIfCancellationRequested();
                if (await TrySwapAsync(key, current, next, cancellationToken).ConfigureAwait(false))
                {
                    OnSwapped(current, next);
                    Done(activity, attempt, errorOf(result));
                    return result;
                }

                if (attempt >= MaxAttempts)
                {
                    throw new ThreadStoreUnavailableException(
                        $"The {_storeName} thread store lost {MaxAttempts} races in a row on thread '{key.ThreadId}'; the thread is changing too fast to update.");
                }

                LogLostRace(_logger, _storeName, key.ThreadId, attempt);
            }
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
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
