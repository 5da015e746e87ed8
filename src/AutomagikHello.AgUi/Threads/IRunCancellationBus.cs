namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// Carries "cancel this run" between instances that share a thread store, so that a cancel request arriving at one
/// instance ends a run streaming from another. Every instance subscribes once; a publisher does not need to know which
/// instance runs the thread (the lease's <see cref="RunLease.InstanceId"/> says, but every subscriber simply checks
/// whether it runs the named run and ignores the message otherwise).
/// </summary>
/// <remarks>
/// The hosting layer wires it: it subscribes at start-up, cancels a local run when a message names it, and publishes
/// when a cancel request names a run that is not local. Delivery is at most once (a message published while an instance
/// is disconnected is lost); the cancel also flags the run's lease, which its owner sees at its next renewal. With a
/// single instance no bus is needed. Implementations: the Redis package's pub/sub bus.
/// </remarks>
public interface IRunCancellationBus
{
    /// <summary>Asks every subscribed instance to cancel the run, if it runs it.</summary>
    /// <param name="cancellation">The thread and run to cancel.</param>
    /// <param name="cancellationToken">Cancels the publishing.</param>
    /// <exception cref="ThreadStoreUnavailableException">The bus could not be reached.</exception>
    ValueTask PublishAsync(RunCancellation cancellation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="handler"/> for every cancellation published by any instance (this one included) until the
    /// returned subscription is disposed. The handler should be quick (look up the local run and cancel it); its
    /// exceptions are logged and swallowed.
    /// </summary>
    /// <param name="handler">Called once per message received.</param>
    /// <param name="cancellationToken">Cancels the subscribing.</param>
    /// <returns>The subscription: dispose it to stop receiving.</returns>
    /// <exception cref="ThreadStoreUnavailableException">The bus could not be reached.</exception>
    ValueTask<IAsyncDisposable> SubscribeAsync(Action<RunCancellation> handler, CancellationToken cancellationToken = default);
}

/// <summary>A request to cancel one run of one thread, as carried by an <see cref="IRunCancellationBus"/>.</summary>
/// <param name="Key">The thread.</param>
/// <param name="RunId">The run to cancel; a later run on the same thread is left alone.</param>
public readonly record struct RunCancellation(ThreadKey Key, string RunId);
