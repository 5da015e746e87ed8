using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AutomagikHello.Demo;

/// <summary>
/// Development only: a request carrying <c>X-Demo-Role: approver</c> is an approver, so curl, the tests or a second
/// browser acting as a supervisor can resolve policy holds and hand-offs. It names no user, so the caller stays in the
/// anonymous owner scope the demo page uses. A real host plugs in its own authentication instead.
/// </summary>
public sealed class DemoApproverAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The authentication scheme.</summary>
    public const string SchemeName = "DemoApprover";

    /// <summary>The header naming the caller's role.</summary>
    public const string RoleHeader = "X-Demo-Role";

    /// <summary>The role, and the name of the authorization policy requiring it.</summary>
    public const string ApproverRole = "approver";

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers[RoleHeader] is not { Count: 1 } role || role[0] != ApproverRole)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, ApproverRole)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
