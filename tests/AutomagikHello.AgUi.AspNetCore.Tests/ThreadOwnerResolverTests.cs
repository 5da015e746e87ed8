using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

public sealed class ThreadOwnerResolverTests
{
    [Fact]
    public void Resolve_CallerNobodyAuthenticated_IsAnonymous_WithoutMakingAPrincipal()
    {
        var context = new DefaultHttpContext();

        Resolver().Resolve(context).Should().Be(ThreadOwnerResolver.Anonymous);
        (context.Features.Get<IHttpAuthenticationFeature>()?.User).Should().BeNull();
    }

    [Fact]
    public void Resolve_AuthenticatedCaller_IsTheirNameIdentifier()
    {
        var context = new DefaultHttpContext { User = Principal(authenticated: true, ClaimTypes.NameIdentifier, "u1") };

        Resolver().Resolve(context).Should().Be("u1");
    }

    [Fact]
    public void Resolve_AuthenticatedCallerWithSubOnly_IsTheirSub()
    {
        var context = new DefaultHttpContext { User = Principal(authenticated: true, "sub", "s1") };

        Resolver().Resolve(context).Should().Be("s1");
    }

    [Fact]
    public void Resolve_UnauthenticatedPrincipalCarryingAnId_IsStillAnonymous()
    {
        // Claims on an identity nobody authenticated are only what the caller said: they never pick the owner.
        var context = new DefaultHttpContext { User = Principal(authenticated: false, ClaimTypes.NameIdentifier, "u1") };

        Resolver().Resolve(context).Should().Be(ThreadOwnerResolver.Anonymous);
        Resolver(requireAuthenticated: true).Resolve(context).Should().BeNull();
    }

    [Fact]
    public void Resolve_CallerNobodyAuthenticated_WhenAuthenticationIsRequired_IsRefused()
    {
        Resolver(requireAuthenticated: true).Resolve(new DefaultHttpContext()).Should().BeNull();
    }

    private static ThreadOwnerResolver Resolver(bool requireAuthenticated = false) =>
        new(Options.Create(new AgUiOptions { RequireAuthenticatedOwner = requireAuthenticated }));

    private static ClaimsPrincipal Principal(bool authenticated, string claimType, string value) =>
        new(new ClaimsIdentity([new Claim(claimType, value)], authenticated ? "test" : null));
}
