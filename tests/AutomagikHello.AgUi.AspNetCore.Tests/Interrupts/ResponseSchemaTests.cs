using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.Threads;
using AutomagikHello.Demo.Agents;
using Microsoft.AspNetCore.Builder;
using static AutomagikHello.AgUi.AspNetCore.Tests.Interrupts.InterruptStreams;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Interrupts;

/// <summary>
/// An interrupt's <c>responseSchema</c>: JSON Schema 2020-12 with vendor keywords allowed, checked when the agent raises
/// the interrupt (a bad schema is the agent's <c>RUN_ERROR</c>, never the client's), <c>format</c> enforced, regular
/// expressions bounded in time, and no evaluation failure ever a 500.
/// </summary>
public sealed class ResponseSchemaTests
{
    private const string Ask = "/agents/ask";

    /// <summary>Raises one input interrupt with the schema in <c>forwardedProps.schema</c>; on resume returns the payload as its result.</summary>
    private static void MapAsk(WebApplication app, EmailOutbox _) => app.MapAgUi(Ask, (run, _) =>
    {
        if (run.Resume.Count > 0)
        {
            return ValueTask.FromResult(AgentOutcome.Success(run.Resume[0].Entry.Payload));
        }

        var schema = run.Input.ForwardedProps!.Value.GetProperty("schema");
        return ValueTask.FromResult(AgentOutcome.Interrupt(run.CreateInterrupt(InterruptReasons.InputRequired, "answer", schema)));
    });

    private static string Resolved(string id, string payload) => $$"""[{"interruptId":"{{id}}","status":"resolved","payload":""" + payload + "}]";

    private static Task<RunStream> RaiseAsync(InterruptHost host, string thread, string schema) =>
        host.SendRunAsync(Ask, RunInputs.Json(thread, "r1", "ask", i => i["forwardedProps"] = new JsonObject { ["schema"] = JsonNode.Parse(schema) }));

    [Theory]
    [InlineData("""{"type":"object","properties":{"name":{"type":"string","x-widget":"text","ui:widget":"input","nullable":true}},"required":["name"],"x-order":["name"]}""")]
    [InlineData("""{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"name":{"type":"string","x-widget":"text"}},"required":["name"]}""")]
    public async Task VendorKeywords_AreAllowed_AndTheSchemaStillValidates(string schema)
    {
        await using var host = await InterruptHost.StartAsync(MapAsk);
        var thread = RunInputs.NewThreadId();
        var id = (string)(await RaiseAsync(host, thread, schema)).Interrupts()[0]["id"]!;

        var wrong = await host.ResumeAsync(Ask, thread, "r2", Resolved(id, """{"name":5}"""));
        var right = await host.ResumeAsync(Ask, thread, "r3", Resolved(id, """{"name":"Ada"}"""));

        wrong.ErrorCode().Should().Be(ThreadErrorCodes.InvalidResumePayload, "vendor keywords are ignored, the standard ones still apply");
        ((string?)right.Last["outcome"]!["type"]).Should().Be("success");
        ((string?)right.Last["result"]!["name"]).Should().Be("Ada");
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"#/$defs/missing"}}}""", "missing")]
    [InlineData("""{"$ref":"https://example.com/elsewhere.json"}""", "elsewhere")]
    [InlineData("""{"type":"objectx"}""", "objectx")]
    [InlineData("""{"type":"string","minLength":"three"}""", "minLength")]
    [InlineData("""{"type":"string","pattern":"(unclosed"}""", "unclosed")]
    [InlineData("""{"$schema":"https://example.com/my-dialect","type":"string"}""", "my-dialect")]
    [InlineData("""{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}""", "2020-12")]
    public async Task BadSchema_IsTheAgentsRunError_WhenRaised_AndNothingIsLeftPending(string schema, string named)
    {
        await using var host = await InterruptHost.StartAsync(MapAsk);
        var thread = RunInputs.NewThreadId();

        var raised = await RaiseAsync(host, thread, schema);
        var view = await host.SendAsync(HttpMethod.Get, $"{Ask}/threads/{thread}");

        raised.Types.Should().Equal("RUN_STARTED", "RUN_ERROR");
        ((string?)raised.Last["code"]).Should().Be(RunErrorCodes.InvalidInterruptSchema);
        ((string?)raised.Last["message"]).Should().Contain(named);
        if (view.StatusCode == HttpStatusCode.OK)
        {
            JsonNode.Parse(await view.Content.ReadAsStringAsync())!["pendingInterrupts"]!.AsArray().Should().BeEmpty("nobody could answer it");
        }
        else
        {
            view.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task GoodSchemas_WithLocalRefsAnchorsAndRecursion_AreAccepted()
    {
        await using var host = await InterruptHost.StartAsync(MapAsk);
        const string schema = """
            {"type":"object","$defs":{"name":{"$anchor":"nm","type":"string","minLength":1},"tree":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/$defs/tree"}}}}},
             "properties":{"first":{"$ref":"#/$defs/name"},"last":{"$ref":"#nm"},"tree":{"$ref":"#/$defs/tree"},"self":{"$ref":"#"}}}
            """;
        var thread = RunInputs.NewThreadId();
        var id = (string)(await RaiseAsync(host, thread, schema)).Interrupts()[0]["id"]!;

        var wrong = await host.ResumeAsync(Ask, thread, "r2", Resolved(id, """{"tree":{"kids":[{"kids":5}]}}"""));
        var right = await host.ResumeAsync(Ask, thread, "r3", Resolved(id, """{"first":"A","last":"B","tree":{"kids":[{"kids":[]}]},"self":{}}"""));

        wrong.ErrorCode().Should().Be(ThreadErrorCodes.InvalidResumePayload);
        ((string?)right.Last["outcome"]!["type"]).Should().Be("success");
    }

    [Fact]
    public async Task Format_IsEnforced()
    {
        await using var host = await InterruptHost.StartAsync(MapAsk);
        var thread = RunInputs.NewThreadId();
        var id = (string)(await RaiseAsync(host, thread, """{"type":"object","properties":{"to":{"type":"string","format":"email"}},"required":["to"]}""")).Interrupts()[0]["id"]!;

        var wrong = await host.ResumeAsync(Ask, thread, "r2", Resolved(id, """{"to":"not an address"}"""));
        var right = await host.ResumeAsync(Ask, thread, "r3", Resolved(id, """{"to":"ada@example.com"}"""));

        wrong.ErrorCode().Should().Be(ThreadErrorCodes.InvalidResumePayload);
        ((string?)wrong.Last["message"]).Should().Contain("email");
        ((string?)right.Last["outcome"]!["type"]).Should().Be("success");
    }

    [Theory]
    [InlineData("""{"type":"string","pattern":"^(a+)+$"}""", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\"")]
    [InlineData("""{"type":"object","patternProperties":{"^(a+)+$":{"type":"string"}}}""", "{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\":1}")]
    [InlineData("""{"type":"object","propertyNames":{"pattern":"^(a+)+$"}}""", "{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\":1}")]
    public async Task CatastrophicPattern_IsRefusedAsInvalidPayload_OnResumeAndDecision(string schema, string payload)
    {
        await using var host = await InterruptHost.StartAsync(MapAsk);
        var thread = RunInputs.NewThreadId();
        var id = (string)(await RaiseAsync(host, thread, schema)).Interrupts()[0]["id"]!;

        var resumed = await host.ResumeAsync(Ask, thread, "r2", Resolved(id, payload));
        using var decided = await host.SendAsync(HttpMethod.Post, $"{Ask}/threads/{thread}/interrupts/{id}", "{\"status\":\"resolved\",\"payload\":" + payload + "}");
        using var json = await host.SendAsync(HttpMethod.Post, $"{Ask}/threads/{thread}/resume", "{\"messages\":[],\"resume\":" + Resolved(id, payload) + "}");

        resumed.ErrorCode().Should().Be(ThreadErrorCodes.InvalidResumePayload);
        ((string?)resumed.Last["message"]).Should().Contain("too long");
        await ThreadEndpointTests.ExpectProblem(decided, HttpStatusCode.UnprocessableEntity, ThreadErrorCodes.InvalidResumePayload);
        await ThreadEndpointTests.ExpectProblem(json, HttpStatusCode.UnprocessableEntity, ThreadErrorCodes.InvalidResumePayload);
    }

    [Fact]
    public async Task OrdinaryPattern_StillMatches()
    {
        await using var host = await InterruptHost.StartAsync(MapAsk);
        var thread = RunInputs.NewThreadId();
        var id = (string)(await RaiseAsync(host, thread, """{"type":"string","pattern":"^[A-Z]{3}-[0-9]+$"}""")).Interrupts()[0]["id"]!;

        var wrong = await host.ResumeAsync(Ask, thread, "r2", Resolved(id, "\"abc-1\""));
        var right = await host.ResumeAsync(Ask, thread, "r3", Resolved(id, "\"ABC-12\""));

        wrong.ErrorCode().Should().Be(ThreadErrorCodes.InvalidResumePayload);
        ((string?)right.Last["outcome"]!["type"]).Should().Be("success");
    }

    [Fact]
    public async Task SchemaEvaluationFailure_IsNever500_OnResumeDecisionOrJsonResume()
    {
        // An interrupt recorded before raise-time checks existed (or written by another store client) may still carry a
        // reference that resolves nowhere: evaluating it must be a 422, not an exception.
        await using var host = await InterruptHost.StartAsync(MapAsk);
        var thread = RunInputs.NewThreadId();
        var store = (IThreadStore)host.Host.Services.GetService(typeof(IThreadStore))!;
        var key = new ThreadKey(Ask, "alice", thread);
        var begin = await store.BeginRunAsync(new BeginRunRequest { Key = key, RunId = "r0", InstanceId = "test", LeaseDuration = TimeSpan.FromMinutes(1), Now = DateTimeOffset.UtcNow }, CancellationToken.None);
        begin.Error.Should().BeNull();
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"a":{"$ref":"#/$defs/missing"}}}""");
        var interrupt = new Interrupt { Id = "int_legacy", Reason = InterruptReasons.InputRequired, ResponseSchema = schema.RootElement.Clone() };
        (await store.CompleteRunAsync(new CompleteRunRequest { Key = key, RunId = "r0", Completion = RunCompletion.Interrupted, NewInterrupts = [new PendingInterrupt { Interrupt = interrupt, RaisedByRunId = "r0" }], Now = DateTimeOffset.UtcNow }, CancellationToken.None)).Error.Should().BeNull();

        var resumed = await host.ResumeAsync(Ask, thread, "r2", """[{"interruptId":"int_legacy","status":"resolved","payload":{"a":1}}]""");
        using var decided = await host.SendAsync(HttpMethod.Post, $"{Ask}/threads/{thread}/interrupts/int_legacy", """{"status":"resolved","payload":{"a":1}}""");
        using var json = await host.SendAsync(HttpMethod.Post, $"{Ask}/threads/{thread}/resume", """{"messages":[],"resume":[{"interruptId":"int_legacy","status":"resolved","payload":{"a":1}}]}""");

        resumed.ErrorCode().Should().Be(ThreadErrorCodes.InvalidResumePayload);
        await ThreadEndpointTests.ExpectProblem(decided, HttpStatusCode.UnprocessableEntity, ThreadErrorCodes.InvalidResumePayload);
        await ThreadEndpointTests.ExpectProblem(json, HttpStatusCode.UnprocessableEntity, ThreadErrorCodes.InvalidResumePayload);
        var cancelled = await host.ResumeAsync(Ask, thread, "r3", Cancel("int_legacy"));
        ((string?)cancelled.Last["outcome"]!["type"]).Should().Be("success", "the interrupt can still be cancelled");
    }
}
