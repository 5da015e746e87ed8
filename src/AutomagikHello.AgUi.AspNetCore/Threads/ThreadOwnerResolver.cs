using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// Decides whose threads a request may see: <see cref="AgUiOptions.OwnerResolver"/>, or by default the authenticated
/// user's <c>NameIdentifier</c> (else <c>sub</c>) claim. Anonymous callers share one anonymous scope unless
/// <see cref="AgUiOptions.RequireAuthenticatedOwner"/> is set.
/// </summary>
internal sealed class ThreadOwnerResolver(IOptions<AgUiOptions> options)
{
    /// <summary>The owner key of anonymous callers. It cannot collide with a user id: those never start with a colon.</summary>
    public const string Anonymous = ":anonymous";

    private readonly AgUiOptions _options = options.Value;

    /// <summary>The owner of the request's threads, or <see langword="null"/> when the caller must authenticate first.</summary>
    public string? Resolve(HttpContext context)
    {
        var owner = _options.OwnerResolver is { } custom ? custom(context) : AuthenticatedUser(context) is { } user ? DefaultOwner(user) : null;
        if (!string.IsNullOrEmpty(owner))
        {
            // A user id that happens to start with ':' must not be able to become the anonymous scope.
            return owner[0] == ':' ? ":" + owner : owner;
        }

        return _options.RequireAuthenticatedOwner ? null : Anonymous;
    }

    /// <summary>
    /// The request's user when something authenticated it (set <c>HttpContext.User</c>); otherwise <see langword="null"/>.
    /// Reading <c>HttpContext.User</c> of a request nobody authenticated would make (and the request keep, for as
    /// long as its stream is open) an empty principal only to find it anonymous.
    /// </summary>
    public static ClaimsPrincipal? AuthenticatedUser(HttpContext context) =>
        context is DefaultHttpContext ? context.Features.Get<IHttpAuthenticationFeature>()?.User : context.User;

    private static string? DefaultOwner(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true
            ? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub")
            : null;
}
