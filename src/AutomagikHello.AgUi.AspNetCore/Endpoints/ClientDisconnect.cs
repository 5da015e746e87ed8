using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// A client that goes away while its request is read or answered (a closed tab, a dropped connection, a body cut
/// short) is nobody to answer, not an error of the application: what escapes an endpoint, Kestrel logs as an unhandled
/// exception. Kestrel may throw <see cref="ConnectionResetException"/> from a body read before it marks the request
/// aborted, so the reset is recognised by its type, not only by <see cref="HttpContext.RequestAborted"/>.
/// </summary>
internal static class ClientDisconnect
{
    /// <summary>Whether <paramref name="exception"/> is <paramref name="context"/>'s client leaving.</summary>
    public static bool Explains(Exception exception, HttpContext context) =>
        exception is ConnectionResetException
        || (exception is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested);

    /// <summary>
    /// <paramref name="endpoint"/>, ending quietly when its client leaves. For every endpoint but the run endpoint, which
    /// guards itself so that the common held stream keeps no frame of this (a streamed resume keeps one, ~100 bytes).
    /// A run's own failures are the run's to report (its stream's <c>RUN_ERROR</c>, its logs), not swallowed here:
    /// only what <see cref="Explains"/> calls the client leaving is.
    /// </summary>
    public static RequestDelegate Quiet(RequestDelegate endpoint) => context =>
    {
        Task handled;
        try
        {
            handled = endpoint(context);
        }
        catch (Exception ex) when (Explains(ex, context))
        {
            return Task.CompletedTask;
        }

        return handled.IsCompletedSuccessfully ? handled : AwaitQuietlyAsync(handled, context);
    };

    private static async Task AwaitQuietlyAsync(Task handled, HttpContext context)
    {
        try
        {
            await handled.ConfigureAwait(false);
        }
        catch (Exception ex) when (Explains(ex, context))
        {
            // The client left; nobody to answer.
        }
    }
}
