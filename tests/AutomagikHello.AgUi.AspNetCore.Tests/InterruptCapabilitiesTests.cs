using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>What <c>GET {agent}/capabilities</c> tells a frontend about interrupts.</summary>
public sealed class InterruptCapabilitiesTests(DemoFactory demo) : IClassFixture<DemoFactory>
{
    private static ValueTask<AgentOutcome> Done(AgUiRun run, CancellationToken cancellationToken) => ValueTask.FromResult(AgentOutcome.Success());

    private static async Task<JsonObject> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static string[] Reasons(JsonObject capabilities) =>
        capabilities["custom"]!["interrupts"]!["reasons"]!.AsArray().Select(r => (string)r!).ToArray();

    [Fact]
    public async Task WithInterrupts_ToolApprovals_DeclareInterruptsReasonsValidationAndServerBoundApprovals()
    {
        await using var host = await TestHost.StartAsync(
            app => app.MapAgUi("/agents/test", Done).WithCapabilities(new AgentCapabilities().WithInterrupts(InterruptReasons.ToolCall)));

        var capabilities = await GetAsync(host.Client, "/agents/test/capabilities");

        JsonNode.DeepEquals(capabilities["humanInTheLoop"], JsonNode.Parse("""{"supported":true,"approvals":true,"interrupts":true,"approveWithEdits":true}"""))
            .Should().BeTrue(capabilities.ToJsonString());
        JsonNode.DeepEquals(capabilities["custom"], JsonNode.Parse("""{"interrupts":{"reasons":["tool_call"],"resumeValidation":"strict","serverBoundApprovals":true}}"""))
            .Should().BeTrue(capabilities.ToJsonString());
        ((bool?)capabilities["transport"]!["streaming"]).Should().BeTrue("the transport is still completed");
    }

    [Fact]
    public async Task WithInterrupts_LenientValidation_IsWhatTheServerEnforces()
    {
        await using var host = await TestHost.StartAsync(
            app => app.MapAgUi("/agents/test", Done).WithCapabilities(new AgentCapabilities().WithInterrupts(InterruptReasons.InputRequired)),
            options => options.ResumeValidation = ResumeValidationMode.Lenient);

        var capabilities = await GetAsync(host.Client, "/agents/test/capabilities");

        ((string?)capabilities["custom"]!["interrupts"]!["resumeValidation"]).Should().Be("lenient");
        ((bool?)capabilities["humanInTheLoop"]!["approvals"]).Should().BeNull("input is not an approval: undeclared");
        Reasons(capabilities).Should().Equal("input_required");
    }

    [Fact]
    public async Task WithInterrupts_KeepsTheAppsOwnCustomPropertiesAndOtherGroups()
    {
        var declared = new AgentCapabilities
        {
            Identity = new IdentityCapabilities { Name = "mailer" },
            HumanInTheLoop = new HumanInTheLoopCapabilities { Feedback = true },
            Custom = JsonDocument.Parse("""{"tier":"gold","interrupts":{"maxOpen":3,"resumeValidation":"none"}}""").RootElement,
        };
        await using var host = await TestHost.StartAsync(
            app => app.MapAgUi("/agents/test", Done).WithCapabilities(declared.WithInterrupts("mailer:budget", "mailer:budget", InterruptReasons.ToolCall)));

        var capabilities = await GetAsync(host.Client, "/agents/test/capabilities");

        ((string?)capabilities["identity"]!["name"]).Should().Be("mailer");
        ((bool?)capabilities["humanInTheLoop"]!["feedback"]).Should().BeTrue();
        JsonNode.DeepEquals(capabilities["custom"], JsonNode.Parse(
            """{"tier":"gold","interrupts":{"maxOpen":3,"reasons":["mailer:budget","tool_call"],"resumeValidation":"strict","serverBoundApprovals":true}}"""))
            .Should().BeTrue("the server states what it enforces, whatever was declared: " + capabilities.ToJsonString());
    }

    [Fact]
    public async Task NoInterruptsDeclared_TheDocumentSaysNothingAboutThem()
    {
        await using var host = await TestHost.StartAsync(Done);

        var capabilities = await GetAsync(host.Client, "/agents/test/capabilities");

        capabilities.ContainsKey("humanInTheLoop").Should().BeFalse();
        capabilities.ContainsKey("custom").Should().BeFalse();
    }

    [Theory]
    [InlineData(0, "")]
    [InlineData(1, "")]
    [InlineData(2, " ")]
    public void WithInterrupts_NoReasonOrAnEmptyOne_IsRefused(int count, string bad)
    {
        var reasons = Enumerable.Range(0, count).Select(i => i == count - 1 ? bad : InterruptReasons.ToolCall).ToArray();

        var declare = () => new AgentCapabilities().WithInterrupts(reasons);

        declare.Should().Throw<ArgumentException>().WithParameterName("reasons");
    }

    [Theory]
    [InlineData("approval", new[] { "tool_call" })]
    [InlineData("approval-parallel", new[] { "tool_call" })]
    [InlineData("expiring", new[] { "tool_call" })]
    [InlineData("form", new[] { "input_required" })]
    [InlineData("voice", new[] { "input_required", "voice:policy_hold", "voice:human_handoff", "voice:strategy" })]
    public async Task Demo_InterruptingAgents_AdvertiseTheirReasons(string agent, string[] reasons)
    {
        using var client = demo.CreateClient();

        var capabilities = await GetAsync(client, $"/agents/{agent}/capabilities");

        ((bool?)capabilities["humanInTheLoop"]!["interrupts"]).Should().BeTrue();
        ((bool?)capabilities["humanInTheLoop"]!["approvals"]).Should().Be(reasons.Contains("tool_call") ? true : null);
        Reasons(capabilities).Should().Equal(reasons);
        ((string?)capabilities["custom"]!["interrupts"]!["resumeValidation"]).Should().Be("strict");
        ((bool?)capabilities["custom"]!["interrupts"]!["serverBoundApprovals"]).Should().BeTrue();
    }

    [Theory]
    [InlineData("echo")]
    [InlineData("slow")]
    public async Task Demo_AgentsThatNeverInterrupt_DeclareNoInterrupts(string agent)
    {
        using var client = demo.CreateClient();

        var capabilities = await GetAsync(client, $"/agents/{agent}/capabilities");

        capabilities.ContainsKey("humanInTheLoop").Should().BeFalse();
    }
}
