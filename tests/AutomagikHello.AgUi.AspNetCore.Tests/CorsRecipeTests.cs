using System.Net;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>The CORS recipe of docs/http-api.md (#cors), over real Kestrel: a page on another origin drives an agent.</summary>
public sealed class CorsRecipeTests
{
    private const string Frontend = "https://app.example.com";

    // As in docs/http-api.md.
    private static Task<TestHost> StartAsync() => TestHost.StartAsync(
        app => app.MapAgUi("/agents/hello", async (run, ct) =>
        {
            await run.SendTextMessageAsync("hi");
            return AgentOutcome.Success();
        }).RequireCors("frontend"),
        services: services => services.AddCors(options => options.AddPolicy("frontend", policy => policy
            .WithOrigins("https://app.example.com")
            .WithMethods("GET", "POST")
            .WithHeaders("Content-Type", "Accept", "Authorization", "If-None-Match", "Last-Event-ID")
            .WithExposedHeaders("ETag"))),
        middleware: app => app.UseCors());

    private static HttpRequestMessage Preflight(string path, string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task Preflight_FromTheFrontendsOrigin_AllowsTheRunWithItsHeaders()
    {
        await using var host = await StartAsync();

        using var response = await host.Client.SendAsync(Preflight("/agents/hello", Frontend, "POST", "content-type,last-event-id"));

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        Header(response, "Access-Control-Allow-Origin").Should().Be(Frontend);
        Header(response, "Access-Control-Allow-Methods")!.Split(',').Should().Contain("POST");
        Header(response, "Access-Control-Allow-Headers")!.ToUpperInvariant().Split(',').Should().Contain(["CONTENT-TYPE", "LAST-EVENT-ID"]);
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_IsNotAllowed()
    {
        await using var host = await StartAsync();

        using var response = await host.Client.SendAsync(Preflight("/agents/hello", "https://evil.example.net", "POST", "content-type"));

        Header(response, "Access-Control-Allow-Origin").Should().BeNull("the browser then refuses to send the run");
    }

    [Fact]
    public async Task Preflight_ForAHeaderThePolicyDoesNotList_DoesNotAllowIt()
    {
        await using var host = await StartAsync();

        using var response = await host.Client.SendAsync(Preflight("/agents/hello", Frontend, "POST", "content-type,x-debug"));

        Header(response, "Access-Control-Allow-Origin").Should().Be(Frontend);
        Header(response, "Access-Control-Allow-Headers")!.ToUpperInvariant().Split(',').Should().NotContain("X-DEBUG", "the browser then refuses to send the run");
    }

    [Fact]
    public async Task Run_FromTheFrontend_StreamsWithTheOriginAllowed_AndTheThreadViewExposesItsETag()
    {
        await using var host = await StartAsync();
        var thread = RunInputs.NewThreadId();

        using var run = Sse.RunRequest("/agents/hello", RunInputs.Json(thread));
        run.Headers.Add("Origin", Frontend);
        using var streamed = await host.Client.SendAsync(run);
        var events = await Sse.ReadAllAsync(streamed);
        using var view = new HttpRequestMessage(HttpMethod.Get, $"/agents/hello/threads/{thread}");
        view.Headers.Add("Origin", Frontend);
        using var viewed = await host.Client.SendAsync(view);

        streamed.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(streamed, "Access-Control-Allow-Origin").Should().Be(Frontend);
        events.Types().Should().Equal("RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED");
        viewed.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(viewed, "Access-Control-Allow-Origin").Should().Be(Frontend);
        Header(viewed, "Access-Control-Expose-Headers").Should().Be("ETag");
        viewed.Headers.ETag.Should().NotBeNull();
    }
}
