using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>The core's runner as <see cref="AgUiServiceCollectionExtensions.AddAgUi"/> registers it, run without a request.</summary>
public sealed class RunnerHostingTests
{
    private static RunInvocation Invocation(IServiceProvider services, IAgUiAgent agent, RunSummarySink sink, string threadId) => new()
    {
        Agent = agent,
        AgentName = "/agents/hosted",
        Input = new RunAgentInput { ThreadId = threadId, RunId = "r1", Messages = [] },
        Owner = "alice",
        User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], "test")),
        Services = services,
        Sink = sink,
    };

    [Fact]
    public async Task Run_NotStartedByARequest_GetHttpContextIsNull()
    {
        var services = new ServiceCollection();
        services.AddAgUi();
        await using var provider = services.BuildServiceProvider();
        AgUiRun? seen = null;
        var agent = new DelegateAgent((run, _) =>
        {
            seen = run;
            return ValueTask.FromResult(AgentOutcome.Success());
        });

        var end = await provider.GetRequiredService<AgUiRunner>().RunAsync(Invocation(provider, agent, new RunSummarySink(1024), "t1"));

        end.Kind.Should().Be(RunEndKind.Success);
        seen!.GetHttpContext().Should().BeNull("no HTTP request started this run");
    }

    // AgUiOptions derives from AgUiRunnerOptions; AddAgUi makes the runner read them from there (one section, one validator).
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AddAgUi_IncludeExceptionDetails_TheRunnerReadsAgUiOptions(bool include)
    {
        var services = new ServiceCollection();
        services.AddAgUi(options => options.IncludeExceptionDetails = include);
        await using var provider = services.BuildServiceProvider();
        var sink = new RunSummarySink(1024);

        var invocation = Invocation(provider, new DelegateAgent((_, _) => throw new InvalidOperationException("boom")), sink, "t2");

        await provider.GetRequiredService<AgUiRunner>().RunAsync(invocation);

        var summary = sink.ToSummary(invocation.Input);
        summary.ErrorCode.Should().Be(RunErrorCodes.AgentError);
        summary.ErrorMessage!.Contains("boom", StringComparison.Ordinal).Should().Be(include);
    }
}
