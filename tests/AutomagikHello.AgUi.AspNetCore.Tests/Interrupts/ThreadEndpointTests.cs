using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.Input;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;
using static AutomagikHello.AgUi.AspNetCore.Tests.Interrupts.InterruptStreams;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Interrupts;

/// <summary>The integrator endpoints: thread view, out-of-band decisions, JSON resume; and owner isolation on each.</summary>
public sealed class ThreadEndpointTests
{
    private const string Approval = "/agents/approval";
    private const string Parallel = "/agents/approval-parallel";

    [Fact]
    public async Task GetThread_Interrupted_ShowsPendingWithToolCallAndETag_And304WhenUnchanged()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;

        using var response = await host.SendAsync(HttpMethod.Get, $"{Approval}/threads/{thread}");
        var view = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"{Approval}/threads/{thread}");
        conditional.Headers.Add("X-User", "alice");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", response.Headers.ETag!.Tag);
        using var unchanged = await host.Client.SendAsync(conditional);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        ((string?)view["status"]).Should().Be("interrupted");
        ((string?)view["lastRunId"]).Should().Be("r1");
        response.Headers.ETag!.Tag.Should().Be($"\"{(long)view["version"]!}\"");
        var pending = view["pendingInterrupts"]!.AsArray().Should().ContainSingle().Subject!;
        ((string?)pending["interrupt"]!["id"]).Should().Be(id);
        ((string?)pending["raisedByRunId"]).Should().Be("r1");
        ((string?)pending["toolCallName"]).Should().Be("sendEmail");
        JsonNode.Parse((string)pending["toolCallArguments"]!)!["to"]!.GetValue<string>().Should().Be("recipient1@example.com");
        unchanged.StatusCode.Should().Be(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task GetThread_Unknown_Is404ProblemWithCode()
    {
        await using var host = await InterruptHost.StartAsync();

        using var response = await host.SendAsync(HttpMethod.Get, $"{Approval}/threads/nope");

        await ExpectProblem(response, HttpStatusCode.NotFound, ThreadErrorCodes.ThreadNotFound);
    }

    [Theory]
    [InlineData("{0}", HttpStatusCode.NotModified)]
    [InlineData("\"other\", {0}", HttpStatusCode.NotModified)]
    [InlineData("W/{0}", HttpStatusCode.NotModified)]
    [InlineData("*", HttpStatusCode.NotModified)]
    [InlineData("\"other\"", HttpStatusCode.OK)]
    [InlineData("\"other\", W/\"also-other\"", HttpStatusCode.OK)]
    [InlineData("not a tag list", HttpStatusCode.OK)]
    public async Task GetThread_IfNoneMatch_ListsWeakTagsAndStar(string ifNoneMatch, HttpStatusCode expected)
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        await host.RunAsync(Approval, thread, "r1");
        using var first = await host.SendAsync(HttpMethod.Get, $"{Approval}/threads/{thread}");
        var etag = first.Headers.ETag!.Tag;

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"{Approval}/threads/{thread}");
        conditional.Headers.Add("X-User", "alice");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", string.Format(System.Globalization.CultureInfo.InvariantCulture, ifNoneMatch, etag));
        using var response = await host.Client.SendAsync(conditional);

        response.StatusCode.Should().Be(expected);
        response.Headers.ETag!.Tag.Should().Be(etag);
        if (expected == HttpStatusCode.OK)
        {
            ((string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]).Should().Be("interrupted");
        }
    }

    [Fact]
    public async Task Decide_ThenFrontendResumesWithoutEntries_UsesTheDecision()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;

        using var decided = await host.SendAsync(HttpMethod.Post, $"{Approval}/threads/{thread}/interrupts/{id}", """{"status":"resolved","payload":{"approved":true}}""");
        var view = JsonNode.Parse(await decided.Content.ReadAsStringAsync())!;
        var resumed = await host.SendRunAsync(Approval, RunInputs.Json(thread, "r2", "continue"));

        decided.StatusCode.Should().Be(HttpStatusCode.OK);
        ((string?)view["pendingInterrupts"]![0]!["decision"]!["status"]).Should().Be("resolved");
        ((string?)view["pendingInterrupts"]![0]!["decision"]!["decidedBy"]).Should().Be("alice");
        ((string?)resumed.Last["outcome"]!["type"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().ContainSingle();
    }

    [Fact]
    public async Task Decide_OneOfThree_FrontendSendsTheRest()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var ids = (await host.RunAsync(Parallel, thread, "r1")).Interrupts().Select(i => (string)i["id"]!).ToList();
        using var decided = await host.SendAsync(HttpMethod.Post, $"{Parallel}/threads/{thread}/interrupts/{ids[0]}", """{"status":"cancelled"}""");

        var missing = await host.ResumeAsync(Parallel, thread, "r2", $"[{Approve(ids[1])}]");
        var rest = await host.ResumeAsync(Parallel, thread, "r3", $"[{Approve(ids[1])},{Approve(ids[2])}]");

        decided.StatusCode.Should().Be(HttpStatusCode.OK);
        missing.ErrorCode().Should().Be(ThreadErrorCodes.PartialResume);
        ((string?)rest.Last["outcome"]!["type"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().HaveCount(2);
    }

    [Fact]
    public async Task Decide_RepeatIsIdempotent_DifferentIsConflict_InvalidIs422_UnknownIs404_MalformedIs400()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;
        var path = $"{Approval}/threads/{thread}/interrupts/{id}";

        using var invalid = await host.SendAsync(HttpMethod.Post, path, """{"status":"resolved","payload":{"approved":1}}""");
        using var malformed = await host.SendAsync(HttpMethod.Post, path, """{"status":"maybe"}""");
        using var numeric = await host.SendAsync(HttpMethod.Post, path, """{"status":1}""");
        using var capitalised = await host.SendAsync(HttpMethod.Post, path, """{"status":"Cancelled"}""");
        using var first = await host.SendAsync(HttpMethod.Post, path, """{"status":"resolved","payload":{"approved":true}}""");
        using var repeat = await host.SendAsync(HttpMethod.Post, path, """{"status":"resolved","payload":{"approved":true}}""");
        using var conflict = await host.SendAsync(HttpMethod.Post, path, """{"status":"resolved","payload":{"approved":false}}""");
        using var unknown = await host.SendAsync(HttpMethod.Post, $"{Approval}/threads/{thread}/interrupts/int_nope", """{"status":"cancelled"}""");

        await ExpectProblem(invalid, HttpStatusCode.UnprocessableEntity, ThreadErrorCodes.InvalidResumePayload);
        await ExpectProblem(malformed, HttpStatusCode.BadRequest, InputErrorCodes.InvalidValue);
        await ExpectProblem(numeric, HttpStatusCode.BadRequest, InputErrorCodes.WrongType);
        await ExpectProblem(capitalised, HttpStatusCode.BadRequest, InputErrorCodes.InvalidValue);
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        repeat.StatusCode.Should().Be(HttpStatusCode.OK);
        repeat.Headers.ETag!.Tag.Should().Be(first.Headers.ETag!.Tag, "a repeat changes nothing");
        await ExpectProblem(conflict, HttpStatusCode.Conflict, ThreadErrorCodes.DecisionConflict);
        await ExpectProblem(unknown, HttpStatusCode.NotFound, ThreadErrorCodes.UnknownInterrupt);
    }

    [Fact]
    public async Task Decide_ApproverPolicyNotRegistered_FailsClosedWithoutA500()
    {
        await using var host = await InterruptHost.StartAsync(configure: o => o.ApproverPolicy = "no-such-policy");
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1", user: "alice")).Interrupts()[0]["id"]!;
        var path = $"{Approval}/threads/{thread}/interrupts/{id}";

        using var supervisor = await host.SendAsync(HttpMethod.Post, path + "?owner=alice", """{"status":"resolved","payload":{"approved":true}}""", user: "sam", role: "approver");
        using var owner = await host.SendAsync(HttpMethod.Post, path, """{"status":"resolved","payload":{"approved":true}}""", user: "alice");

        await ExpectProblem(supervisor, HttpStatusCode.NotFound, ThreadErrorCodes.ThreadNotFound);
        owner.StatusCode.Should().Be(HttpStatusCode.OK, "an ordinary interrupt stays its owner's to decide");
    }

    [Fact]
    public async Task Decide_ApproverOnAnotherOwnersThread_AllowedWithPolicy_NotFoundWithout()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1", user: "alice")).Interrupts()[0]["id"]!;
        var path = $"{Approval}/threads/{thread}/interrupts/{id}?owner=alice";

        using var stranger = await host.SendAsync(HttpMethod.Post, path, """{"status":"resolved","payload":{"approved":true}}""", user: "mallory");
        using var supervisor = await host.SendAsync(HttpMethod.Post, path, """{"status":"resolved","payload":{"approved":true}}""", user: "sam", role: "approver");
        var resumed = await host.SendRunAsync(Approval, RunInputs.Json(thread, "r2", "continue"), user: "alice");

        await ExpectProblem(stranger, HttpStatusCode.NotFound, ThreadErrorCodes.ThreadNotFound);
        supervisor.StatusCode.Should().Be(HttpStatusCode.OK, await supervisor.Content.ReadAsStringAsync());
        ((string?)JsonNode.Parse(await supervisor.Content.ReadAsStringAsync())!["pendingInterrupts"]![0]!["decision"]!["decidedBy"]).Should().Be("sam");
        ((string?)resumed.Last["outcome"]!["type"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().ContainSingle();
    }

    [Fact]
    public async Task OtherOwner_SeesNothingOnEveryEndpoint_AndCannotAnswerTheInterrupt()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1", user: "alice")).Interrupts()[0]["id"]!;

        using var view = await host.SendAsync(HttpMethod.Get, $"{Approval}/threads/{thread}", user: "mallory");
        using var decide = await host.SendAsync(HttpMethod.Post, $"{Approval}/threads/{thread}/interrupts/{id}", """{"status":"resolved","payload":{"approved":true}}""", user: "mallory");
        using var cancel = await host.SendAsync(HttpMethod.Post, $"{Approval}/threads/{thread}/cancel", user: "mallory");
        using var jsonResume = await host.SendAsync(HttpMethod.Post, $"{Approval}/threads/{thread}/resume", $$"""{"messages":[],"resume":[{{Approve(id)}}]}""", user: "mallory");
        var streamResume = await host.ResumeAsync(Approval, thread, "r2", $"[{Approve(id)}]", user: "mallory");

        await ExpectProblem(view, HttpStatusCode.NotFound, ThreadErrorCodes.ThreadNotFound);
        await ExpectProblem(decide, HttpStatusCode.NotFound, ThreadErrorCodes.ThreadNotFound);
        await ExpectProblem(cancel, HttpStatusCode.NotFound, AgUiErrorCodes.NoActiveRun);
        await ExpectProblem(jsonResume, HttpStatusCode.Conflict, ThreadErrorCodes.UnknownInterrupt);
        streamResume.ErrorCode().Should().Be(ThreadErrorCodes.UnknownInterrupt);
        host.Outbox.SentOn(thread).Should().BeEmpty();
        ((string?)(await host.ThreadAsync(Approval, thread, user: "alice"))["status"]).Should().Be("interrupted");
    }

    [Fact]
    public async Task ResumeEndpoint_WithoutEventStream_AnswersJsonSummary()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;

        using var response = await host.SendAsync(HttpMethod.Post, $"{Approval}/threads/{thread}/resume", $$"""{"messages":[],"resume":[{{Approve(id)}}]}""");
        var summary = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        using var replay = await host.SendAsync(HttpMethod.Post, $"{Approval}/threads/{thread}/resume", $$"""{"runId":"again","messages":[],"resume":[{{Approve(id)}}]}""");
        var replaySummary = JsonNode.Parse(await replay.Content.ReadAsStringAsync())!;

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        ((string?)summary["threadId"]).Should().Be(thread);
        ((string?)summary["runId"]).Should().StartWith("run_", "a run id is generated when absent");
        ((string?)summary["outcome"]).Should().Be("success");
        summary["messages"]!.AsArray().Select(m => (string?)m).Should().Contain("Done: the email was sent.");
        replay.StatusCode.Should().Be(HttpStatusCode.Conflict, "a refused resume ran nothing: a REST error, not a run summary");
        ((string?)replaySummary["code"]).Should().Be(ThreadErrorCodes.ResumeAlreadyApplied);
        host.Outbox.SentOn(thread).Should().ContainSingle();
    }

    [Fact]
    public async Task ResumeEndpoint_WithoutEventStream_RefusalsAreProblems_AndChangeNothing()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;
        var path = $"{Approval}/threads/{thread}/resume";

        using var required = await host.SendAsync(HttpMethod.Post, path, """{"messages":[{"id":"m2","role":"user","content":"again"}]}""");
        using var unknown = await host.SendAsync(HttpMethod.Post, path, $$"""{"messages":[],"resume":[{{Approve("int_nope")}}]}""");
        using var invalid = await host.SendAsync(HttpMethod.Post, path, $$"""{"messages":[],"resume":[{{Approve(id, """{"approved":"yes"}""")}}]}""");
        using var duplicate = await host.SendAsync(HttpMethod.Post, path, $$"""{"messages":[],"resume":[{{Approve(id)}},{{Cancel(id)}}]}""");
        using var accepted = await host.SendAsync(HttpMethod.Post, path, $$"""{"messages":[],"resume":[{{Approve(id)}}]}""");

        await ExpectProblem(required, HttpStatusCode.Conflict, ThreadErrorCodes.ResumeRequired);
        (await required.Content.ReadAsStringAsync()).Should().Contain($"'{id}'", "problem bodies are JSON, not HTML: no \\u0027 escapes");
        await ExpectProblem(unknown, HttpStatusCode.Conflict, ThreadErrorCodes.UnknownInterrupt);
        await ExpectProblem(invalid, HttpStatusCode.UnprocessableEntity, ThreadErrorCodes.InvalidResumePayload);
        await ExpectProblem(duplicate, HttpStatusCode.Conflict, ThreadErrorCodes.DuplicateResumeEntry);
        accepted.StatusCode.Should().Be(HttpStatusCode.OK, "the refusals left the interrupt open");
        ((string?)JsonNode.Parse(await accepted.Content.ReadAsStringAsync())!["outcome"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().ContainSingle();
    }

    [Fact]
    public async Task ResumeEndpoint_InterruptingRun_SummaryCarriesNewInterrupts_AndStreamsWhenAsked()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();

        using var json = await host.SendAsync(HttpMethod.Post, $"{Approval}/threads/{thread}/resume", """{"messages":[{"id":"m1","role":"user","content":"hi"}]}""");
        var summary = JsonNode.Parse(await json.Content.ReadAsStringAsync())!;
        var id = (string)summary["interrupts"]![0]!["id"]!;
        using var streamed = await host.SendAsync(HttpMethod.Post, $"{Approval}/threads/{thread}/resume", $$"""{"messages":[],"resume":[{{Approve(id)}}]}""", accept: "text/event-stream");
        var events = await Sse.ReadAllAsync(streamed);

        ((string?)summary["outcome"]).Should().Be("interrupt");
        streamed.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        events.Types()[0].Should().Be("RUN_STARTED");
        ((string?)events[^1]["outcome"]!["type"]).Should().Be("success");
    }

    [Fact]
    public async Task ResumeEndpoint_BodyNamesAnotherThread_Is400()
    {
        await using var host = await InterruptHost.StartAsync();

        using var response = await host.SendAsync(HttpMethod.Post, $"{Approval}/threads/t-a/resume", """{"threadId":"t-b","messages":[]}""");

        await ExpectProblem(response, HttpStatusCode.BadRequest, AgUiErrorCodes.MalformedRequest);
    }

    [Fact]
    public async Task RequireAuthenticatedOwner_AnonymousIs401_AuthenticatedRuns()
    {
        await using var host = await InterruptHost.StartAsync(configure: o => o.RequireAuthenticatedOwner = true);

        using var anonymous = await host.Client.SendAsync(Sse.RunRequest(Approval, RunInputs.Json(RunInputs.NewThreadId())));
        var authenticated = await host.RunAsync(Approval, RunInputs.NewThreadId(), "r1");

        await ExpectProblem(anonymous, HttpStatusCode.Unauthorized, AgUiErrorCodes.AuthenticationRequired);
        authenticated.Interrupts().Should().ContainSingle();
    }

    [Fact]
    public async Task InDoubt_AfterAClaimingRunDied_ViewShowsIt_ResumesAre409AndRunError_UntilAReapproval_ThenOneEmail()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;
        await ClaimedByADeadRunAsync(host, thread, id);
        var decide = $"{Approval}/threads/{thread}/interrupts/{id}";

        var view = await host.ThreadAsync(Approval, thread);
        var replayed = await host.ResumeAsync(Approval, thread, "r2", $"[{Approve(id)}]");
        using var json = await host.SendAsync(HttpMethod.Post, $"{Approval}/threads/{thread}/resume", $$"""{"messages":[],"resume":[{{Approve(id)}}]}""");
        using var plain = await host.SendAsync(HttpMethod.Post, decide, """{"status":"resolved","payload":{"approved":true}}""");
        using var notBoolean = await host.SendAsync(HttpMethod.Post, decide, """{"status":"resolved","payload":{"approved":true},"reapprove":"yes"}""");
        using var reapproved = await host.SendAsync(HttpMethod.Post, decide, """{"status":"resolved","payload":{"approved":true},"reapprove":true}""");
        var settled = JsonNode.Parse(await reapproved.Content.ReadAsStringAsync())!["pendingInterrupts"]![0]!;
        var resumed = await host.ResumeAsync(Approval, thread, "r3", $"[{Approve(id)}]");

        ((string?)view["status"]).Should().Be("interrupted");
        var pending = view["pendingInterrupts"]![0]!;
        ((bool?)pending["inDoubt"]).Should().BeTrue();
        ((string?)pending["inDoubtRunId"]).Should().Be("r-died");
        replayed.ErrorCode().Should().Be(ThreadErrorCodes.ResumeInDoubt);
        await ExpectProblem(json, HttpStatusCode.Conflict, ThreadErrorCodes.ResumeInDoubt);
        await ExpectProblem(plain, HttpStatusCode.Conflict, ThreadErrorCodes.ResumeInDoubt);
        await ExpectProblem(notBoolean, HttpStatusCode.BadRequest, InputErrorCodes.WrongType);
        reapproved.StatusCode.Should().Be(HttpStatusCode.OK);
        settled["inDoubt"].Should().BeNull("the re-approval settled the doubt");
        ((string?)settled["decision"]!["inDoubtRunId"]).Should().Be("r-died");
        ((string?)resumed.Last["outcome"]!["type"]).Should().Be("success");
        host.Outbox.SentOn(thread).Should().ContainSingle().Which.IdempotencyKey.Should().StartWith("idem_");
    }

    [Fact]
    public async Task InDoubt_ACancelInAResume_IsAccepted_AndNothingIsSent()
    {
        await using var host = await InterruptHost.StartAsync();
        var thread = RunInputs.NewThreadId();
        var id = (string)(await host.RunAsync(Approval, thread, "r1")).Interrupts()[0]["id"]!;
        await ClaimedByADeadRunAsync(host, thread, id);

        var cancelled = await host.ResumeAsync(Approval, thread, "r2", $"[{Cancel(id)}]");
        var view = await host.ThreadAsync(Approval, thread);

        ((string?)cancelled.Last["outcome"]!["type"]).Should().Be("success");
        ((string?)view["status"]).Should().Be("idle");
        host.Outbox.SentOn(thread).Should().BeEmpty();
    }

    // A run on another instance claimed the approval and died before its end was recorded; its lease has lapsed.
    private static async Task ClaimedByADeadRunAsync(InterruptHost host, string thread, string interruptId)
    {
        var died = await host.Host.Services.GetRequiredService<IThreadStore>().BeginRunAsync(new BeginRunRequest
        {
            Key = new ThreadKey(Approval, "alice", thread),
            RunId = "r-died",
            Resume = [new ResumeEntry { InterruptId = interruptId, Status = ResumeStatus.Resolved, Payload = JsonDocument.Parse("""{"approved":true}""").RootElement }],
            InstanceId = "dead-host",
            LeaseDuration = TimeSpan.FromMinutes(1),
            Now = DateTimeOffset.UtcNow - TimeSpan.FromHours(1),
        });
        died.Succeeded.Should().BeTrue(died.Error?.Message);
    }

    internal static async Task ExpectProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        ((string?)JsonNode.Parse(body)!["code"]).Should().Be(code);
    }
}
