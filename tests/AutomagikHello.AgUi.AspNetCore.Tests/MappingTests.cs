using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.Input;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

public sealed class MappingTests
{
    private static Func<AgUiRun, CancellationToken, ValueTask<AgentOutcome>> Saying(string text) => async (run, _) =>
    {
        await run.SendTextMessageAsync(text);
        return AgentOutcome.Success();
    };

    private static string Said(RunStream stream) => (string)stream.Single("TEXT_MESSAGE_CONTENT")["delta"]!;

    [Fact]
    public async Task MapAgUi_TwoAgentsAtTwoPaths_EachServesItsOwnRuns()
    {
        await using var host = await TestHost.StartAsync(app =>
        {
            app.MapAgUi("/agents/one", Saying("one"));
            app.MapAgUi("/agents/two", Saying("two"));
        });

        Said(await Sse.RunAsync(host.Client, "/agents/one", RunInputs.Json())).Should().Be("one");
        Said(await Sse.RunAsync(host.Client, "/agents/two", RunInputs.Json())).Should().Be("two");
        using var missing = await host.Client.SendAsync(Sse.RunRequest("/agents/three", RunInputs.Json()));
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MapAgUi_InARouteGroup_ServesUnderTheGroupPrefixWithUniqueNames()
    {
        await using var host = await TestHost.StartAsync(app =>
        {
            app.MapGroup("/v1").MapAgUi("/echo", Saying("v1"));
            app.MapGroup("/v2").MapAgUi("/echo", Saying("v2"));
        });

        Said(await Sse.RunAsync(host.Client, "/v2/echo", RunInputs.Json())).Should().Be("v2");
        var names = host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName).ToList();
        names.Should().Contain(["AgUiRun_v1_echo", "AgUiRun_v2_echo", "AgUiCancel_v2_echo", "AgUiCapabilities_v1_echo"]);
        names.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task MapAgUi_Endpoints_CarryOpenApiMetadata()
    {
        await using var host = await TestHost.StartAsync(app => app.MapAgUi("/agents/echo", Saying("x")));
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var run = endpoints.Single(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == "AgUiRun_agents_echo");
        run.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Should().Equal("POST");
        run.Metadata.GetMetadata<IAcceptsMetadata>()!.ContentTypes.Should().BeEmpty("routing must not answer 415 itself; the endpoint sends problem+json");
        run.Metadata.GetMetadata<IAcceptsMetadata>()!.RequestType.Should().Be<RunAgentInput>();
        var produces = run.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>();
        produces.Should().Contain(p => p.StatusCode == 200 && p.ContentTypes.Contains("text/event-stream"));
        foreach (var status in new[] { 400, 406, 413, 415 })
        {
            produces.Should().Contain(p => p.StatusCode == status && p.ContentTypes.Contains("application/problem+json"), "status {0}", status);
        }

        run.Metadata.GetMetadata<IEndpointSummaryMetadata>()!.Summary.Should().NotBeNullOrEmpty();
        run.Metadata.GetMetadata<ITagsMetadata>()!.Tags.Should().Equal("/agents/echo");

        var cancel = endpoints.Single(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == "AgUiCancel_agents_echo");
        cancel.RoutePattern.RawText.Should().Be("/agents/echo/threads/{threadId}/cancel");
        cancel.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>().Should().Contain(p => p.StatusCode == 404 && p.ContentTypes.Contains("application/problem+json"));
        var capabilities = endpoints.Single(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == "AgUiCapabilities_agents_echo");
        capabilities.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Should().Equal("GET");
        capabilities.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>().Should().Contain(p => p.StatusCode == 200 && p.Type == typeof(AgentCapabilities));
    }

    [Fact]
    public async Task MapAgUi_RequireAuthorization_AppliesToRunCancelAndCapabilities()
    {
        await using var host = await TestHost.StartAsync(
            app => app.MapAgUi("/agents/private", Saying("secret")).RequireAuthorization(),
            services: services =>
            {
                services.AddAuthentication(HeaderAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null);
                services.AddAuthorization();
            },
            middleware: app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
            });

        using (var run = await host.Client.SendAsync(Sse.RunRequest("/agents/private", RunInputs.Json())))
        {
            run.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using (var cancel = await host.Client.PostAsync("/agents/private/threads/t1/cancel", null))
        {
            cancel.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using (var capabilities = await host.Client.GetAsync("/agents/private/capabilities"))
        {
            capabilities.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using var request = Sse.RunRequest("/agents/private", RunInputs.Json());
        request.Headers.Add(HeaderAuthentication.Header, "alice");
        using var allowed = await host.Client.SendAsync(request);
        allowed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Sse.ReadAllAsync(allowed)).Types().Should().EndWith("RUN_FINISHED");
    }

    [Fact]
    public async Task AgUiRun_User_IsTheRequestsPrincipal()
    {
        ClaimsPrincipal? requestUser = null, runUser = null;
        await using var host = await TestHost.StartAsync(
            app => app.MapAgUi("/agents/me", async (run, _) =>
            {
                requestUser = run.GetHttpContext()!.User;
                runUser = run.User;
                await run.SendTextMessageAsync(run.User.Identity?.Name ?? "anonymous");
                return AgentOutcome.Success();
            }),
            services: services => services.AddAuthentication(HeaderAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null),
            middleware: app => app.UseAuthentication());
        using var request = Sse.RunRequest("/agents/me", RunInputs.Json());
        request.Headers.Add(HeaderAuthentication.Header, "bob");

        using var response = await host.Client.SendAsync(request);

        var said = (string?)(await Sse.ReadAllAsync(response)).Single(e => (string)e["type"]! == "TEXT_MESSAGE_CONTENT")["delta"];
        said.Should().Be("bob");
        runUser.Should().BeSameAs(requestUser);
    }

    [Fact]
    public async Task AgUiRun_User_OfAnAnonymousCaller_IsMadeOnlyWhenTheAgentReadsIt()
    {
        ClaimsPrincipal? madeBeforeRead = null, first = null, second = null;
        await using var host = await TestHost.StartAsync(app => app.MapAgUi("/agents/anonymous", async (run, _) =>
        {
            // Nothing read HttpContext.User on the way in (it makes a principal on first read): the owner was resolved
            // from the authentication feature, which nobody set.
            madeBeforeRead = run.GetHttpContext()!.Features.Get<IHttpAuthenticationFeature>()?.User;
            first = run.User;
            second = run.User;
            await run.SendTextMessageAsync("hi");
            return AgentOutcome.Success();
        }));

        var stream = await Sse.RunAsync(host.Client, "/agents/anonymous", RunInputs.Json());

        stream.Types.Should().EndWith("RUN_FINISHED");
        madeBeforeRead.Should().BeNull();
        first.Should().NotBeNull();
        first!.Identity!.IsAuthenticated.Should().BeFalse();
        first.Claims.Should().BeEmpty();
        second.Should().BeSameAs(first);
    }

    [Fact]
    public async Task AgUiResults_RunFromACustomHandler_StreamsTheRunWithTheSameEdge()
    {
        await using var host = await TestHost.StartAsync(app =>
            app.MapPost("/custom/{greeting}", (string greeting) => AgUiResults.Run(Saying(greeting))));

        var stream = await Sse.RunAsync(host.Client, "/custom/bonjour", RunInputs.Json());
        using var wrongType = await host.Client.SendAsync(Sse.RunRequest("/custom/x", RunInputs.Json(), contentType: "text/plain"));

        Said(stream).Should().Be("bonjour");
        stream.Types.Should().StartWith("RUN_STARTED").And.EndWith("RUN_FINISHED");
        wrongType.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task AgUiResults_RunWithInputTheHandlerRead_StreamsWithoutReadingTheBodyAgain()
    {
        var reader = new RunAgentInputReader();
        await using var host = await TestHost.StartAsync(app => app.MapPost("/prepared", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var read = reader.Read(body.ToArray());
            return read.Input is { } input ? AgUiResults.Run(input, new DelegateAgent(Saying("prepared"))) : Results.BadRequest();
        }));

        var stream = await Sse.RunAsync(host.Client, "/prepared", RunInputs.Json("t-prep", "r-prep"));

        Said(stream).Should().Be("prepared");
        ((string?)stream.Events[0]["threadId"]).Should().Be("t-prep");
    }

    [Fact]
    public async Task AgUiResults_RunOfAMappedAgentInstance_CanBeCancelledThroughTheMapping()
    {
        var talking = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = new DelegateAgent(async (run, cancellationToken) =>
        {
            talking.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return AgentOutcome.Success();
        });
        await using var host = await TestHost.StartAsync(app =>
        {
            app.MapAgUi("/agents/shared", agent);
            app.MapPost("/custom", () => AgUiResults.Run(agent));
        });
        using var request = Sse.RunRequest("/custom", RunInputs.Json("t-shared"));
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = Sse.ReadAllAsync(response);
        await talking.Task.WaitAsync(TimeSpan.FromSeconds(10));

        using var cancel = await host.Client.PostAsync("/agents/shared/threads/t-shared/cancel", null);

        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        ((string?)(await events.WaitAsync(TimeSpan.FromSeconds(10)))[^1]["outcome"]!["type"]).Should().Be("cancelled");
    }

    [Fact]
    public void MapAgUi_WithoutAddAgUi_ThrowsNamingTheMissingCall()
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var app = builder.Build();

        FluentActions.Invoking(() => app.MapAgUi("/agents/x", Saying("x")))
            .Should().Throw<InvalidOperationException>().WithMessage("*AddAgUi*");
    }

    /// <summary>Authenticates any request carrying <c>X-Test-User</c> as that user.</summary>
    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Header";
        public const string Header = "X-Test-User";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(Header, out var user) || string.IsNullOrEmpty(user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user!)], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
