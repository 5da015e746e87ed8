using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.Demo.Agents;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Interrupts;

/// <summary>
/// A real server with the demo's interrupt agents, callers identified by an <c>X-User</c> header (role
/// <c>approver</c> through <c>X-Role</c>), and helpers that speak the thread endpoints.
/// </summary>
public sealed class InterruptHost : IAsyncDisposable
{
    public const string ApproverPolicy = "approver";

    private InterruptHost(TestHost host, EmailOutbox outbox)
    {
        Host = host;
        Outbox = outbox;
    }

    public TestHost Host { get; }

    public EmailOutbox Outbox { get; }

    public HttpClient Client => Host.Client;

    public static async Task<InterruptHost> StartAsync(Action<WebApplication, EmailOutbox>? map = null, Action<AgUiOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var outbox = new EmailOutbox();
        var host = await TestHost.StartAsync(
            app =>
            {
                app.MapAgUi("/agents/approval", new ApprovalAgent(outbox));
                app.MapAgUi("/agents/approval-parallel", new ApprovalAgent(outbox, emails: 3));
                app.MapAgUi("/agents/form", new FormAgent());
                app.MapAgUi("/agents/expiring", new ApprovalAgent(outbox, expiresAfter: TimeSpan.FromMilliseconds(300)));
                map?.Invoke(app, outbox);
            },
            options =>
            {
                options.ApproverPolicy = ApproverPolicy;
                configure?.Invoke(options);
            },
            collection =>
            {
                collection.AddAuthentication(HeaderAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null);
                collection.AddAuthorization(o => o.AddPolicy(ApproverPolicy, p => p.RequireRole("approver")));
                services?.Invoke(collection);
            },
            app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
            });
        return new InterruptHost(host, outbox);
    }

    /// <summary>Runs with a user message; returns the stream.</summary>
    public Task<RunStream> RunAsync(string agent, string thread, string runId, string user = "alice", string text = "hi") =>
        SendRunAsync(agent, RunInputs.Json(thread, runId, text), user);

    /// <summary>Runs with <c>resume</c> entries (a JSON array).</summary>
    public Task<RunStream> ResumeAsync(string agent, string thread, string runId, string resumeJson, string user = "alice") =>
        SendRunAsync(agent, RunInputs.Json(thread, runId, "resume", i => i["resume"] = JsonNode.Parse(resumeJson)), user);

    public async Task<RunStream> SendRunAsync(string agent, string body, string user = "alice")
    {
        using var request = Sse.RunRequest(agent, body);
        request.Headers.Add("X-User", user);
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        return new RunStream(response, await Sse.ReadAllAsync(response));
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, string user = "alice", string? role = null, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.Add("X-User", user);
        if (role is not null)
        {
            request.Headers.Add("X-Role", role);
        }

        if (accept is not null)
        {
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        }

        return await Client.SendAsync(request);
    }

    public async Task<JsonObject> ThreadAsync(string agent, string thread, string user = "alice")
    {
        using var response = await SendAsync(HttpMethod.Get, $"{agent}/threads/{thread}", user: user);
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    /// <summary>Authenticates the caller named by <c>X-User</c>; anonymous without it.</summary>
    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Header";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers["X-User"] is not { Count: 1 } user || string.IsNullOrEmpty(user[0]))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, user[0]!) };
            if (Request.Headers["X-Role"] is { Count: 1 } role)
            {
                claims.Add(new Claim(ClaimTypes.Role, role[0]!));
            }

            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
        }
    }
}

/// <summary>Reading interrupts out of streams.</summary>
public static class InterruptStreams
{
    public static IReadOnlyList<JsonObject> Interrupts(this RunStream stream)
    {
        ((string?)stream.Last["type"]).Should().Be("RUN_FINISHED", stream.Last.ToJsonString());
        ((string?)stream.Last["outcome"]!["type"]).Should().Be("interrupt");
        return stream.Last["outcome"]!["interrupts"]!.AsArray().Select(i => i!.AsObject()).ToList();
    }

    public static string ErrorCode(this RunStream stream)
    {
        stream.Types.Should().Equal(["RUN_ERROR"], "a refused resume opens (and ends) the stream with RUN_ERROR");
        return (string)stream.Last["code"]!;
    }

    public static string Approve(string interruptId, string payload = """{"approved":true}""") =>
        $$"""{"interruptId":"{{interruptId}}","status":"resolved","payload":{{payload}}}""";

    public static string Cancel(string interruptId) => $$"""{"interruptId":"{{interruptId}}","status":"cancelled"}""";
}
