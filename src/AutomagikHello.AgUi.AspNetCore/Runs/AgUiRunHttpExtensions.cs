using Microsoft.AspNetCore.Http;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>The HTTP side of an <see cref="AgUiRun"/> served by ASP.NET Core.</summary>
public static class AgUiRunHttpExtensions
{
    /// <summary>The key of the request in <see cref="AgUiRun.Items"/>.</summary>
    internal static readonly object HttpContextKey = new();

    /// <summary>
    /// The HTTP request the run answers, or <see langword="null"/> when the run was not started by an HTTP request.
    /// Use it only until the agent returns.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <returns>The request, or <see langword="null"/>.</returns>
    public static HttpContext? GetHttpContext(this AgUiRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Items.TryGetValue(HttpContextKey, out var context) ? context as HttpContext : null;
    }
}
