using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// The CopilotKit sample (samples/copilotkit: <c>@copilotkit/react-core</c> and <c>react-ui</c> 1.74, bundled by
/// esbuild into samples/copilotkit/dist) in headless chromium against the demo on Kestrel, with no CopilotKit runtime in
/// between. The test host serves the bundle under <c>/copilotkit/</c> on the demo's origin (so the page's AG-UI
/// requests are same-origin). Each test but the cancelled one (which pins what CopilotKit 1.74 cannot parse,
/// docs/copilotkit.md) also fails on a JavaScript error, a console error or an HTTP error in the page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CopilotKitTests(BrowserFixture fixture)
{
    [CopilotKitFact]
    public async Task Echo_Hello_ShowsTheStreamedAnswer()
    {
        await using var chat = await CopilotKitPage.OpenAsync(fixture, "echo");

        await chat.SayAsync("Hello brave new world");

        await Expect(chat.AssistantMessages.Last).ToHaveTextAsync("Hello brave new world");
        await Expect(chat.UserMessages).ToHaveTextAsync(["Hello brave new world"]);
        var run = chat.Runs.Should().ContainSingle().Subject;
        ((string?)run["messages"]!.AsArray().Last()!["content"]).Should().Be("Hello brave new world");
        chat.Errors.Should().BeEmpty();
    }

    [CopilotKitFact]
    public async Task Approval_Approve_ResumesTheThreadAndSendsTheEmailOnce()
    {
        await using var chat = await CopilotKitPage.OpenAsync(fixture, "approval");

        await chat.SayAsync("email the team");

        var approval = chat.Page.GetByTestId("approval");
        await Expect(approval).ToContainTextAsync("Send email 1 of 1 to recipient1@example.com?");
        await Expect(chat.AssistantMessages.First).ToContainTextAsync("I'd like to send this email. Please approve it.");
        var threadId = (string)chat.Runs.Single()["threadId"]!;
        var interruptId = await approval.GetAttributeAsync("data-interrupt-id");
        ((string?)(await ThreadViewAsync(threadId))["status"]).Should().Be("interrupted");
        (await SentEmailsAsync(threadId)).Should().BeEmpty();

        await approval.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(chat.AssistantMessages.Last).ToHaveTextAsync("Done: the email was sent.");
        await Expect(approval).ToHaveCountAsync(0);
        chat.Runs.Should().HaveCount(2);
        var resume = chat.Runs[1];
        ((string?)resume["threadId"]).Should().Be(threadId);
        var entry = resume["resume"]!.AsArray().Should().ContainSingle().Subject!;
        ((string?)entry["interruptId"]).Should().Be(interruptId);
        ((string?)entry["status"]).Should().Be("resolved");
        ((bool?)entry["payload"]!["approved"]).Should().BeTrue();
        // CopilotKit's own conventions for a tool-call interrupt (docs/copilotkit.md): the resume run reuses the
        // interrupted run's id, and the answer also goes in as a tool message for the call.
        ((string?)resume["runId"]).Should().Be((string?)chat.Runs[0]["runId"]);
        var messages = resume["messages"]!.AsArray();
        var toolCallId = (string?)messages.Single(m => (string?)m!["role"] == "assistant")!["toolCalls"]![0]!["id"];
        var toolMessage = messages.Should().ContainSingle(m => (string?)m!["role"] == "tool").Subject!;
        ((string?)toolMessage["toolCallId"]).Should().Be(toolCallId);
        ((bool?)JsonNode.Parse((string)toolMessage["content"]!)!["approved"]).Should().BeTrue();
        var sent = await SentEmailsAsync(threadId);
        sent.Should().ContainSingle();
        ((string?)JsonNode.Parse((string)sent[0]!["arguments"]!)!["to"]).Should().Be("recipient1@example.com");
        ((string?)(await ThreadViewAsync(threadId))["status"]).Should().Be("idle");
        chat.Errors.Should().BeEmpty();
    }

    [CopilotKitTheory]
    [InlineData("Deny", "resolved")]
    [InlineData("Cancel", "cancelled")]
    public async Task Approval_DenyOrCancel_ResumesTheThreadAndSendsNothing(string button, string status)
    {
        await using var chat = await CopilotKitPage.OpenAsync(fixture, "approval");

        await chat.SayAsync("email the team");
        var approval = chat.Page.GetByTestId("approval");
        await approval.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();

        await Expect(chat.AssistantMessages.Last).ToHaveTextAsync("OK, I did not send anything.");
        await Expect(approval).ToHaveCountAsync(0);
        var threadId = (string)chat.Runs[0]["threadId"]!;
        var entry = chat.Runs.Should().HaveCount(2).And.Subject.Last()["resume"]!.AsArray().Should().ContainSingle().Subject!;
        ((string?)entry["status"]).Should().Be(status);
        if (status == "resolved")
        {
            ((bool?)entry["payload"]!["approved"]).Should().BeFalse();
        }

        (await SentEmailsAsync(threadId)).Should().BeEmpty();
        ((string?)(await ThreadViewAsync(threadId))["status"]).Should().Be("idle");
        chat.Errors.Should().BeEmpty();
    }

    [CopilotKitFact]
    public async Task Cancelled_RunFinishedCancelled_IsRejectedByCopilotKitsAgUi0059()
    {
        await using var chat = await CopilotKitPage.OpenAsync(fixture, "slow");
        var rejected = chat.Page.WaitForConsoleMessageAsync(new()
        {
            Predicate = message => message.Type == "error" && message.Text.Contains("Expected 'success' | 'interrupt'", StringComparison.Ordinal),
        });

        await chat.SayAsync("tell me everything");
        await Expect(chat.AssistantMessages.Last).ToContainTextAsync("Let me think");
        var threadId = (string)chat.Runs.Single()["threadId"]!;
        using var cancel = await fixture.Server.Http.PostAsync($"/agents/slow/threads/{Uri.EscapeDataString(threadId)}/cancel", null);
        cancel.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted);

        // The server ends the run as AG-UI 1.0 says (RUN_FINISHED, outcome cancelled); CopilotKit 1.74 parses events
        // with @ag-ui/core 0.0.59, whose outcome is success or interrupt only, and fails the run on it.
        (await rejected).Text.Should().StartWith("[CopilotKit] sendMessage error").And.Contain("invalid_union_discriminator");
        ((string?)JsonNode.Parse(await fixture.Server.Http.GetStringAsync($"/agents/slow/threads/{Uri.EscapeDataString(threadId)}"))!["status"])
            .Should().Be("idle");
    }

    private async Task<JsonArray> SentEmailsAsync(string threadId) =>
        JsonNode.Parse(await fixture.Server.Http.GetStringAsync($"/debug/emails/{Uri.EscapeDataString(threadId)}"))!.AsArray();

    private async Task<JsonNode> ThreadViewAsync(string threadId) =>
        JsonNode.Parse(await fixture.Server.Http.GetStringAsync($"/agents/approval/threads/{Uri.EscapeDataString(threadId)}"))!;
}
