namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// The thread store could not be reached or could not complete a read or write: the server is down or unreachable,
/// the database file cannot be opened or written, or a lock or a network call timed out. Nothing is known to have
/// changed; the request may be retried once the store is back.
/// </summary>
/// <remarks>
/// Stores throw it only for failures of the store itself. Contract outcomes such as a busy thread or an invalid resume
/// are results (<see cref="ThreadStoreError"/>), never exceptions. The hosting layer maps this exception to
/// <c>503</c> problem+json, or to a <c>RUN_ERROR</c> on an open stream, with the code <c>STORE_UNAVAILABLE</c>.
/// </remarks>
public sealed class ThreadStoreUnavailableException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public ThreadStoreUnavailableException()
        : base("The thread store is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed, safe to log (no secrets such as passwords from connection strings).</param>
    public ThreadStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the store client's exception that caused it.</summary>
    /// <param name="message">What failed, safe to log (no secrets such as passwords from connection strings).</param>
    /// <param name="innerException">The store client's exception.</param>
    public ThreadStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
