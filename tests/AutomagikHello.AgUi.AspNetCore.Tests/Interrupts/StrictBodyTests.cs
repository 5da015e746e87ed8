using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using static AutomagikHello.AgUi.AspNetCore.Tests.Interrupts.InterruptStreams;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Interrupts;

/// <summary>
/// Every body-reading endpoint reads through one strict reader, over real Kestrel with the demo's agents: a repeated
/// property (at any depth, or differing only in case) and a case variant of a defined name are 400 with a code and
/// the JSON Pointer, so what is validated is what is stored and what the agent sees.
/// </summary>
public sealed class StrictBodyTests
{
    private const string Approval = "/agents/approval";
    private const string Form = "/agents/form";

    [Fact]
    public async Task Decide_FormPayloadWithYearTwice_Is400WithThePath_AndTheThreadStaysAnswerable()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Form, thread, "r1")).Interrupts()[0]["id"]!;

        using var repeated = await host.SendAsync(HttpMethod.Post, $"{Form}/threads/{thread}/interrupts/{id}",
            """{"status":"resolved","payload":{"quarter":"Q1","year":2024,"revenue":5,"year":"abc"}}""");
        var view = await host.ThreadAsync(Form, thread);
        var answer = await host.ResumeAsync(Form, thread, "r2", $"[{Approve(id, """{"quarter":"Q1","year":2024,"revenue":5}""")}]");

        var problem = await ExpectProblem(repeated, HttpStatusCode.BadRequest, "DUPLICATE_PROPERTY");
        ((string?)problem["path"]).Should().Be("/payload/year");
        ((string?)view["status"]).Should().Be("interrupted");
        view["pendingInterrupts"]![0]!["decision"].Should().BeNull("nothing was recorded");
        ((string?)answer.Last["outcome"]!["type"]).Should().Be("success", answer.Last.ToJsonString());
        answer.Events.Any(e => (string?)e["delta"] is { } d && d.Contains("Q1 2024", StringComparison.Ordinal)).Should().BeTrue();
    }

    [Fact]
    public async Task Decide_ApprovalPayloadWithApprovedTwice_Is400_NoDecisionAndNoEmail()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;

        using var repeated = await host.SendAsync(HttpMethod.Post, $"{Approval}/threads/{thread}/interrupts/{id}",
            """{"status":"resolved","payload":{"approved":false,"approved":true}}""");
        var view = await host.ThreadAsync(Approval, thread);
        var denied = await host.ResumeAsync(Approval, thread, "r2", $"[{Approve(id, """{"approved":false}""")}]");

        var problem = await ExpectProblem(repeated, HttpStatusCode.BadRequest, "DUPLICATE_PROPERTY");
        ((string?)problem["path"]).Should().Be("/payload/approved");
        view["pendingInterrupts"]![0]!["decision"].Should().BeNull();
        ((string?)denied.Last["outcome"]!["type"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().BeEmpty("the only valid answer was a denial");
    }

    [Theory]
    [InlineData("""{"Status":"cancelled"}""", "CASE_VARIANT_PROPERTY", "/Status")]
    [InlineData("""{"status":"cancelled","STATUS":"resolved"}""", "DUPLICATE_PROPERTY", "/STATUS")]
    [InlineData("""{"status":"resolved","payload":{"approved":true,"Approved":false}}""", "DUPLICATE_PROPERTY", "/payload/Approved")]
    [InlineData("""{"status":"cancelled","metadata":{"a":{"b":1,"b":2}}}""", "DUPLICATE_PROPERTY", "/metadata/a/b")]
    [InlineData("""{"status":"resolved","Payload":{"approved":true}}""", "CASE_VARIANT_PROPERTY", "/Payload")]
    public async Task Decide_RepeatOrCaseVariant_Is400WithCodeAndPath_ThenAValidDecisionIsRecorded(string body, string code, string path)
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;
        var decision = $"{Approval}/threads/{thread}/interrupts/{id}";

        using var refused = await host.SendAsync(HttpMethod.Post, decision, body);
        using var recorded = await host.SendAsync(HttpMethod.Post, decision, """{"status":"cancelled","metadata":{"a":{"b":1},"b":2}}""");

        ((string?)(await ExpectProblem(refused, HttpStatusCode.BadRequest, code))["path"]).Should().Be(path);
        recorded.StatusCode.Should().Be(HttpStatusCode.OK, await recorded.Content.ReadAsStringAsync());
        var view = JsonNode.Parse(await recorded.Content.ReadAsStringAsync())!;
        ((string?)view["pendingInterrupts"]![0]!["decision"]!["status"]).Should().Be("cancelled");
    }

    [Fact]
    public async Task ResumeEndpoint_NestedRepeat_Is400WithThePath_AndTheSameResumeWithoutItSucceeds()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;
        var resume = $"{Approval}/threads/{thread}/resume";

        using var repeated = await host.SendAsync(HttpMethod.Post, resume,
            $$"""{"messages":[],"resume":[{{Approve(id, """{"approved":false,"approved":true}""")}}]}""");
        using var caseVariant = await host.SendAsync(HttpMethod.Post, resume,
            $$"""{"messages":[],"resume":[{"interruptId":"{{id}}","Status":"cancelled"}]}""");
        using var valid = await host.SendAsync(HttpMethod.Post, resume, $$"""{"messages":[],"resume":[{{Approve(id)}}]}""");

        ((string?)(await ExpectProblem(repeated, HttpStatusCode.BadRequest, "DUPLICATE_PROPERTY"))["path"]).Should().Be("/resume/0/payload/approved");
        ((string?)(await ExpectProblem(caseVariant, HttpStatusCode.BadRequest, "CASE_VARIANT_PROPERTY"))["path"]).Should().Be("/resume/0/Status");
        valid.StatusCode.Should().Be(HttpStatusCode.OK, await valid.Content.ReadAsStringAsync());
        ((string?)JsonNode.Parse(await valid.Content.ReadAsStringAsync())!["outcome"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().HaveCount(1);
    }

    [Theory]
    [InlineData("""{"ThreadId":"x","messages":[]}""", "CASE_VARIANT_PROPERTY", "/ThreadId")]
    [InlineData("""{"RunId":"r9","messages":[]}""", "CASE_VARIANT_PROPERTY", "/RunId")]
    [InlineData("""{"runId":"","messages":[]}""", "INVALID_VALUE", "/runId")]
    [InlineData("""{"messages":[],"state":{"a":1,"a":2}}""", "DUPLICATE_PROPERTY", "/state/a")]
    public async Task ResumeEndpoint_BodyNamesItsOwnIdsWrongly_Is400WithTheClientsName(string body, string code, string path)
    {
        await using var host = await InterruptHost.StartAsync();

        using var response = await host.SendAsync(HttpMethod.Post, $"{Approval}/threads/{RunInputs.NewThreadId()}/resume", body);

        ((string?)(await ExpectProblem(response, HttpStatusCode.BadRequest, code))["path"]).Should().Be(path);
    }

    [Theory]
    [InlineData("\"payload\":{\"approved\":false,\"approved\":true}", "/resume/0/payload/approved")]
    [InlineData("\"payload\":{\"approved\":true},\"metadata\":{\"k\":1,\"K\":2}", "/resume/0/metadata/K")]
    public async Task Run_NestedRepeatInAResumeEntry_Is400BeforeAnyStream_ThenTheValidResumeRuns(string members, string path)
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;
        var entry = $$"""{"interruptId":"{{id}}","status":"resolved",{{members}}}""";

        using var request = Sse.RunRequest(Approval, $$"""{"threadId":"{{thread}}","runId":"r2","messages":[],"resume":[{{entry}}]}""");
        request.Headers.Add("X-User", "alice");
        using var refused = await host.Client.SendAsync(request);
        var valid = await host.ResumeAsync(Approval, thread, "r3", $"[{Approve(id)}]");

        ((string?)(await ExpectProblem(refused, HttpStatusCode.BadRequest, "DUPLICATE_PROPERTY"))["path"]).Should().Be(path);
        ((string?)valid.Last["outcome"]!["type"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().HaveCount(1);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=\"latin1\"")]
    public async Task Decide_NotJson_Is415ProblemLikeEveryOtherEndpoint(string contentType)
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Approval}/threads/{thread}/interrupts/{id}")
        {
            Content = new ByteArrayContent("""{"status":"cancelled"}"""u8.ToArray()),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.Add("X-User", "alice");
        using var response = await host.Client.SendAsync(request);

        await ExpectProblem(response, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task QuotedUtf8Charset_IsAcceptedByTheRunDecisionAndResumeEndpoints()
    {
        const string quoted = "application/json; charset=\"utf-8\"";
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();

        using var run = await SendAsync(host, Approval, RunInputs.Json(thread, "r1", "hi"), quoted, "text/event-stream");
        var id = (string)(await Sse.ReadAllAsync(run))[^1]["outcome"]!["interrupts"]![0]!["id"]!;
        using var decide = await SendAsync(host, $"{Approval}/threads/{thread}/interrupts/{id}", """{"status":"resolved","payload":{"approved":true}}""", quoted);
        using var resume = await SendAsync(host, $"{Approval}/threads/{thread}/resume", """{"messages":[]}""", quoted);

        run.StatusCode.Should().Be(HttpStatusCode.OK);
        decide.StatusCode.Should().Be(HttpStatusCode.OK, await decide.Content.ReadAsStringAsync());
        resume.StatusCode.Should().Be(HttpStatusCode.OK, await resume.Content.ReadAsStringAsync());
        ((string?)JsonNode.Parse(await resume.Content.ReadAsStringAsync())!["outcome"]).Should().Be("success");
    }

    private static async Task<HttpResponseMessage> SendAsync(InterruptHost host, string path, string json, string contentType, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.Add("X-User", "alice");
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        return await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static async Task<JsonNode> ExpectProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonNode.Parse(body)!;
        ((string?)problem["code"]).Should().Be(code);
        ((int?)problem["status"]).Should().Be((int)status);
        return problem;
    }
}
