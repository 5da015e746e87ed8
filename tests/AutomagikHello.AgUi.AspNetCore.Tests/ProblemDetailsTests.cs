using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.Input;
using AutomagikHello.AgUi.Threads;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>
/// Problems are written through the host's <see cref="IProblemDetailsService"/>, so its
/// <c>CustomizeProblemDetails</c> applies to the library's answers; every library code has one status in one table.
/// </summary>
public sealed class ProblemDetailsTests
{
    private const string Path = "/agents/test";

    private static Task<TestHost> StartAsync(IThreadStore? store = null, bool customize = true) => TestHost.StartAsync(
        app => app.MapAgUi(Path, (_, _) => ValueTask.FromResult(AgentOutcome.Success())),
        services: services =>
        {
            if (customize)
            {
                services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
                {
                    context.ProblemDetails.Extensions["host"] = "customised";
                    context.ProblemDetails.Extensions["seenStatus"] = context.HttpContext.Response.StatusCode;
                });
            }

            if (store is not null)
            {
                services.AddSingleton(store);
            }
        });

    private static async Task<(HttpStatusCode Status, JsonObject Problem)> SendAsync(TestHost host, HttpRequestMessage request)
    {
        using var response = await host.Client.SendAsync(request);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        return (response.StatusCode, problem);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/event-stream")] // no writer of the host's takes it: the library writes it, still customised
    public async Task Run_MalformedBody_400IsCustomisedByTheHost(string? accept)
    {
        await using var host = await StartAsync();

        var (status, problem) = await SendAsync(host, Sse.RunRequest(Path, "{", accept: accept));

        status.Should().Be(HttpStatusCode.BadRequest);
        ((string?)problem["code"]).Should().Be(InputErrorCodes.MalformedJson);
        ((string?)problem["host"]).Should().Be("customised");
        ((int?)problem["seenStatus"]).Should().Be(400);
        ((string?)problem["title"]).Should().Be("Bad Request");
        ((string?)problem["traceId"]).Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Run_MalformedBodyWithoutProblemDetailsService_400IsTheLibrarysOwn()
    {
        await using var host = await StartAsync(customize: false);

        var (status, problem) = await SendAsync(host, Sse.RunRequest(Path, "{"));

        status.Should().Be(HttpStatusCode.BadRequest);
        ((string?)problem["code"]).Should().Be(InputErrorCodes.MalformedJson);
        problem.ContainsKey("host").Should().BeFalse();
    }

    [Fact]
    public async Task RunAndThreadView_StoreUnreachable_503IsCustomisedAndWordedAlike()
    {
        await using var host = await StartAsync(new UnreachableStore());

        var (runStatus, run) = await SendAsync(host, Sse.RunRequest(Path, RunInputs.Json()));
        var (viewStatus, view) = await SendAsync(host, new HttpRequestMessage(HttpMethod.Get, $"{Path}/threads/t1"));

        runStatus.Should().Be(HttpStatusCode.ServiceUnavailable);
        viewStatus.Should().Be(HttpStatusCode.ServiceUnavailable);
        foreach (var problem in new[] { run, view })
        {
            ((string?)problem["code"]).Should().Be(RunErrorCodes.StoreUnavailable);
            ((string?)problem["host"]).Should().Be("customised");
            ((int?)problem["seenStatus"]).Should().Be(503);
            ((string?)problem["title"]).Should().Be("Service Unavailable");
        }

        ((string?)run["detail"]).Should().Be((string?)view["detail"]);
    }

    // The problem is the AgUiProblemDetails the endpoints declare in OpenAPI: a host's customiser reads its typed
    // members, and the JSON carries code, path and traceId once each (strict parse) beside the customisation.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Run_WrongTypedField_ProblemIsAgUiProblemDetailsWithCodePathAndTraceId(bool hostService)
    {
        await using var host = await TestHost.StartAsync(
            app => app.MapAgUi(Path, (_, _) => ValueTask.FromResult(AgentOutcome.Success())),
            services: services =>
            {
                if (hostService)
                {
                    services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
                    {
                        var typed = context.ProblemDetails as AgUiProblemDetails;
                        context.ProblemDetails.Extensions["sawCode"] = typed?.Code;
                        context.ProblemDetails.Extensions["sawPath"] = typed?.Path;
                    });
                }
            });

        using var response = await host.Client.SendAsync(Sse.RunRequest(Path, """{"threadId":1,"runId":"r1","messages":[]}""", accept: null));
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        using var json = JsonDocument.Parse(body, new JsonDocumentOptions { AllowDuplicateProperties = false });
        var problem = json.RootElement;
        problem.GetProperty("code").GetString().Should().Be(InputErrorCodes.WrongType);
        problem.GetProperty("path").GetString().Should().Be("/threadId");
        problem.GetProperty("traceId").GetString().Should().NotBeNullOrEmpty();
        problem.GetProperty("status").GetInt32().Should().Be(400);
        if (hostService)
        {
            problem.GetProperty("sawCode").GetString().Should().Be(InputErrorCodes.WrongType);
            problem.GetProperty("sawPath").GetString().Should().Be("/threadId");
        }
        else
        {
            problem.TryGetProperty("sawCode", out _).Should().BeFalse();
        }
    }

    public static TheoryData<string> LibraryCodes() => ErrorCatalogues.Codes(typeof(InputErrorCodes), typeof(ThreadErrorCodes), typeof(RunErrorCodes), typeof(AgUiErrorCodes));

    // A new code cannot be forgotten: it must be given its status (or none) in the one table.
    [Theory]
    [MemberData(nameof(LibraryCodes))]
    public void ErrorTable_EveryLibraryCode_HasAnEntryWithATitle(string code)
    {
        AgUiErrorTable.Contains(code).Should().BeTrue();
        var (title, _) = AgUiErrorTable.Describe(AgUiErrorTable.StatusOf(code));
        title.Should().NotBe("Error");
    }

    [Fact]
    public void ErrorTable_UnknownCode_IsAConflictAndNotReserved()
    {
        AgUiErrorTable.Contains("MY_STORE_REFUSED").Should().BeFalse();
        AgUiErrorTable.StatusOf("MY_STORE_REFUSED").Should().Be(StatusCodes.Status409Conflict);
        AgUiErrorTable.IsReserved("MY_STORE_REFUSED").Should().BeFalse();
    }

    [Fact]
    public void ErrorTable_UnknownInterrupt_IsNotFoundExceptOnResume()
    {
        AgUiErrorTable.StatusOf(ThreadErrorCodes.UnknownInterrupt).Should().Be(StatusCodes.Status404NotFound);
        AgUiErrorTable.StatusOfResume(ThreadErrorCodes.UnknownInterrupt).Should().Be(StatusCodes.Status409Conflict);
        AgUiErrorTable.StatusOfResume(ThreadErrorCodes.ThreadNotFound).Should().Be(StatusCodes.Status404NotFound);
    }

    /// <summary>A store that cannot be reached.</summary>
    private sealed class UnreachableStore : IThreadStore
    {
        public ValueTask<ThreadRecord?> GetAsync(ThreadKey key, CancellationToken cancellationToken = default) => throw Unreachable();

        public ValueTask<BeginRunResult> BeginRunAsync(BeginRunRequest request, CancellationToken cancellationToken = default) => throw Unreachable();

        public ValueTask<ThreadStoreWriteResult> CompleteRunAsync(CompleteRunRequest request, CancellationToken cancellationToken = default) => throw Unreachable();

        public ValueTask<ThreadStoreWriteResult> RecordDecisionAsync(RecordDecisionRequest request, CancellationToken cancellationToken = default) => throw Unreachable();

        public ValueTask<ThreadStoreWriteResult> UpdateLeaseAsync(UpdateLeaseRequest request, CancellationToken cancellationToken = default) => throw Unreachable();

        private static ThreadStoreUnavailableException Unreachable() => new("test: the store is unreachable");
    }
}
