using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.AspNetCore.Tests.Interrupts;
using AutomagikHello.AgUi.Threads;
using AutomagikHello.Demo.Agents;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Voice;

/// <summary>The voice agent's scenarios through real HTTP, each with its negative cases.</summary>
public sealed class VoiceScenarioTests : IAsyncLifetime
{
    private VoiceClient _voice = null!;

    public async Task InitializeAsync() => _voice = await VoiceClient.StartAsync();

    public async Task DisposeAsync() => await _voice.DisposeAsync();

    // ---- barge-in ---------------------------------------------------------------------------------------------------

    [Fact]
    public async Task BargeIn_CancelWhileSpeaking_FinishesCancelledMidSentenceAndTheNextRunStartsClean()
    {
        var thread = RunInputs.NewThreadId();
        const string Transcript = "tell me about my account";
        var events = new List<JsonObject>();
        using (var request = Sse.RunRequest(VoiceClient.Path, VoiceClient.Input(thread, "r1", $$"""{"scenario":"barge-in","transcript":"{{Transcript}}","wordDelayMs":200}""")))
        {
            request.Headers.Add("X-User", "alice");
            using var response = await _voice.Host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var cancelled = false;
            await foreach (var item in Sse.Parse(await response.Content.ReadAsStreamAsync()))
            {
                events.Add(item);
                if (!cancelled && (string?)item["type"] == "TEXT_MESSAGE_CONTENT")
                {
                    // The user starts talking over the agent: barge-in.
                    using var cancel = await _voice.Host.SendAsync(HttpMethod.Post, $"{VoiceClient.Path}/threads/{thread}/cancel");
                    cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
                    cancelled = true;
                }
            }
        }

        var interrupted = new RunStream(null!, events);
        interrupted.Outcome().Should().Be("cancelled");
        interrupted.Types[^2].Should().Be("TEXT_MESSAGE_END", "the library closes the open message before RUN_FINISHED");
        events.ShouldBeValidEvents();
        var cutOff = interrupted.Said().Should().ContainSingle().Subject;

        using (var again = await _voice.Host.SendAsync(HttpMethod.Post, $"{VoiceClient.Path}/threads/{thread}/cancel"))
        {
            again.StatusCode.Should().Be(HttpStatusCode.NotFound, "nothing runs on the thread any more");
        }

        ((string?)(await _voice.Host.ThreadAsync(VoiceClient.Path, thread))["status"]).Should().Be("idle");

        var next = await _voice.TurnAsync(thread, "r2", "barge-in", Transcript, ""","wordDelayMs":0""");

        next.Outcome().Should().Be("success");
        next.Events.ShouldBeValidEvents();
        var full = next.Said().Should().ContainSingle().Subject;
        full.Should().StartWith(VoiceAgent.Answer(Transcript)).And.EndWith("stop at once.");
        full.Should().StartWith(cutOff, "the cancelled run said the beginning of the same answer");
        cutOff.Length.Should().BeLessThan(full.Length, "the barge-in stopped the agent mid-answer");
    }

    [Fact]
    public async Task BargeIn_NotInterrupted_SpeaksTheWholeAnswerAndSucceeds()
    {
        var stream = await _voice.TurnAsync(RunInputs.NewThreadId(), "r1", "barge-in", "hello", ""","wordDelayMs":1""");

        stream.Outcome().Should().Be("success");
        stream.Said().Should().ContainSingle().Which.Should().EndWith("stop at once.");
        stream.Events.Count(e => (string?)e["type"] == "TEXT_MESSAGE_CONTENT").Should().BeGreaterThan(10, "speech streams word by word");
    }

    // ---- low confidence ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task LowConfidence_BelowThreshold_AsksToConfirmOrCorrect_AndTheCorrectionIsUsed()
    {
        var thread = RunInputs.NewThreadId();
        var asked = await _voice.TurnAsync(thread, "r1", "low-confidence", "book a table for two", ""","confidence":0.42""");

        var interrupt = asked.Interrupts().Should().ContainSingle().Subject;
        ((string?)interrupt["reason"]).Should().Be("input_required");
        ((string?)interrupt["message"]).Should().Contain("book a table for two").And.Contain("0.42");
        JsonNode.DeepEquals(interrupt["responseSchema"], JsonNode.Parse(VoiceAgent.ClarifySchema.GetRawText())).Should().BeTrue();
        ((string?)interrupt["metadata"]!["transcript"]).Should().Be("book a table for two");
        asked.Events.ShouldBeValidEvents();

        var answered = await _voice.ResumeAsync(thread, "r2",
            VoiceClient.Resolved((string)interrupt["id"]!, """{"confirmed":false,"correction":"book a table for four"}"""));

        answered.Outcome().Should().Be("success");
        answered.Said().Should().Equal(VoiceAgent.Answer("book a table for four"));
    }

    [Fact]
    public async Task LowConfidence_Confirmed_UsesWhatWasHeard()
    {
        var thread = RunInputs.NewThreadId();
        var asked = await _voice.TurnAsync(thread, "r1", "low-confidence", "call mum", ""","confidence":0.1""");
        var id = (string)asked.Interrupts().Single()["id"]!;

        var answered = await _voice.ResumeAsync(thread, "r2", VoiceClient.Resolved(id, """{"confirmed":true}"""));

        answered.Said().Should().Equal(VoiceAgent.Answer("call mum"));
    }

    [Theory]
    [InlineData("""{"confirmed":false}""", "Sorry about that. Please say it again.")]  // neither confirmed nor corrected
    [InlineData(null, "OK, never mind.")]                                           // the caller dismissed the question
    public async Task LowConfidence_NeitherConfirmedNorCorrected_ActsOnNothing(string? payload, string said)
    {
        var thread = RunInputs.NewThreadId();
        var asked = await _voice.TurnAsync(thread, "r1", "low-confidence", "call mum", ""","confidence":0.1""");
        var id = (string)asked.Interrupts().Single()["id"]!;

        var answered = await _voice.ResumeAsync(thread, "r2", payload is null ? VoiceClient.Cancelled(id) : VoiceClient.Resolved(id, payload));

        answered.Outcome().Should().Be("success");
        answered.Said().Should().Equal(said);
    }

    [Fact]
    public async Task LowConfidence_AnswerWithoutConfirmed_IsRefusedBySchemaAndTheQuestionStaysOpen()
    {
        var thread = RunInputs.NewThreadId();
        var asked = await _voice.TurnAsync(thread, "r1", "low-confidence", "call mum", ""","confidence":0.1""");
        var id = (string)asked.Interrupts().Single()["id"]!;

        var refused = await _voice.ResumeAsync(thread, "r2", VoiceClient.Resolved(id, """{"correction":"call dad"}"""));
        var accepted = await _voice.ResumeAsync(thread, "r3", VoiceClient.Resolved(id, """{"confirmed":false,"correction":"call dad"}"""));

        refused.ErrorCode().Should().Be(ThreadErrorCodes.InvalidResumePayload);
        accepted.Said().Should().Equal(VoiceAgent.Answer("call dad"));
    }

    [Theory]
    [InlineData(VoiceClient.Path, 0.6, false)]        // exactly at the threshold: trusted
    [InlineData(VoiceClient.Path, 0.5999, true)]      // just below: asked
    [InlineData(VoiceClient.Path, 1.0, false)]
    [InlineData(VoiceClient.StrictPath, 0.8, true)]   // the threshold is the agent's option (0.9 here)
    [InlineData(VoiceClient.StrictPath, 0.9, false)]
    public async Task LowConfidence_Threshold_AsksOnlyBelowIt(string path, double confidence, bool asks)
    {
        var stream = await _voice.TurnAsync(RunInputs.NewThreadId(), "r1", "low-confidence", "what time is it",
            $",\"confidence\":{confidence.ToString(System.Globalization.CultureInfo.InvariantCulture)}", path);

        stream.Outcome().Should().Be(asks ? "interrupt" : "success");
        if (!asks)
        {
            stream.Said().Should().Equal(VoiceAgent.Answer("what time is it"));
        }
    }

    // ---- policy hold ------------------------------------------------------------------------------------------------

    private const string Sensitive = "transfer 500 euros with card 4111 1111 1111 1111 to Bob";

    [Fact]
    public async Task PolicyHold_ApproverDecidesThroughRest_ThenTheFrontendResumesWithoutEntriesAndTheAgentActs()
    {
        var thread = RunInputs.NewThreadId();
        var held = await _voice.TurnAsync(thread, "r1", "policy-hold", Sensitive);

        var hold = held.Interrupts().Should().ContainSingle().Subject;
        ((string?)hold["reason"]).Should().Be(VoiceAgent.PolicyHoldReason);
        ((string?)hold["metadata"]!["transcript"]).Should().Be("transfer 500 euros with card **** 1111 to Bob");
        held.Events.Should().NotContain(e => e.ToJsonString().Contains("4111"), "the card number is redacted before it leaves the agent");
        held.Events.ShouldBeValidEvents();
        var id = (string)hold["id"]!;

        // Before anyone decided, a resume without entries is refused and changes nothing.
        (await _voice.ResumeAsync(thread, "r2")).ErrorCode().Should().Be(ThreadErrorCodes.ResumeRequired);

        // A non-approver cannot see or decide another owner's hold: the thread does not exist for them.
        var (notApprover, notApproverBody) = await _voice.DecideAsync(thread, id, """{"status":"resolved","payload":{"approved":true}}""", user: "bob", owner: "alice");
        notApprover.Should().Be(HttpStatusCode.NotFound);
        ((string?)notApproverBody["code"]).Should().Be(ThreadErrorCodes.ThreadNotFound);
        using (var peek = await _voice.Host.SendAsync(HttpMethod.Get, $"{VoiceClient.Path}/threads/{thread}?owner=alice", user: "bob"))
        {
            peek.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        var (decided, view) = await _voice.DecideAsync(thread, id, """{"status":"resolved","payload":{"approved":true,"note":"identity verified"}}""",
            user: "sam", role: "approver", owner: "alice");
        decided.Should().Be(HttpStatusCode.OK, view.ToJsonString());
        ((string?)view["pendingInterrupts"]![0]!["decision"]!["decidedBy"]).Should().Be("sam");

        var resumed = await _voice.ResumeAsync(thread, "r3");

        resumed.Outcome().Should().Be("success");
        resumed.Said().Should().Equal("A supervisor approved it. Done: transfer 500 euros with card **** 1111 to Bob. Note: identity verified");
        ((string?)(await _voice.Host.ThreadAsync(VoiceClient.Path, thread))["status"]).Should().Be("idle");
    }

    [Fact]
    public async Task PolicyHold_CallerApprovesInBandOrThroughRest_IsRefusedAndTheHoldStaysOpenForTheApprover()
    {
        var thread = RunInputs.NewThreadId();
        var held = await _voice.TurnAsync(thread, "r1", "policy-hold", "please wire my savings to this account");
        var id = (string)held.Interrupts().Single()["id"]!;

        var selfApproved = await _voice.ResumeAsync(thread, "r2", VoiceClient.Resolved(id, """{"approved":true}"""));
        var (selfDecided, selfDecidedBody) = await _voice.DecideAsync(thread, id, """{"status":"resolved","payload":{"approved":true}}""", user: "alice");

        selfApproved.ErrorCode().Should().Be(ThreadErrorCodes.ApproverRequired, "the store refuses it before the agent runs");
        selfDecided.Should().Be(HttpStatusCode.Forbidden, "the owner sees the hold but may not grant it");
        ((string?)selfDecidedBody["code"]).Should().Be(ThreadErrorCodes.ApproverRequired);
        var view = await _voice.Host.ThreadAsync(VoiceClient.Path, thread);
        ((string?)view["status"]).Should().Be("interrupted");
        ((string?)view["pendingInterrupts"]![0]!["interrupt"]!["id"]).Should().Be(id);
        ((bool?)view["pendingInterrupts"]![0]!["requiresApprover"]).Should().BeTrue();
        view["pendingInterrupts"]![0]!["decision"].Should().BeNull("nothing was recorded");

        var (decided, _) = await _voice.DecideAsync(thread, id, """{"status":"resolved","payload":{"approved":false,"note":"limit exceeded"}}""",
            user: "sam", role: "approver", owner: "alice");
        decided.Should().Be(HttpStatusCode.OK);
        var resumed = await _voice.ResumeAsync(thread, "r3");

        resumed.Said().Should().Equal("A supervisor declined this request, so I did not do it. Note: limit exceeded");
    }

    [Theory]
    [InlineData("handoff")]
    [InlineData("strategy")]
    [InlineData("low-confidence")]
    [InlineData("barge-in")]
    public async Task CardNumber_InAnyScenario_NeverLeavesTheAgentUnredacted(string scenario)
    {
        // Ids and timestamps are random: one holding the card's digits (here on purpose) is no leak.
        var thread = "t-4111-" + RunInputs.NewThreadId();

        var stream = await _voice.TurnAsync(thread, "r1", scenario, "my card is 4111 1111 1111 1111", """, "confidence": 0.3, "wordDelayMs": 0""");
        using var view = await _voice.Host.SendAsync(HttpMethod.Get, $"{VoiceClient.Path}/threads/{thread}");
        var stored = await view.Content.ReadAsStringAsync();

        // Spoken text arrives word by word, so the redacted form is looked for in what was said and in the events.
        var seen = string.Join("\n", stream.Said()) + "\n" + string.Join("\n", stream.Events.SelectMany(e => Texts(e)));
        seen.Should().Contain("**** 1111", "the redacted form is what the agent speaks and stores");
        seen.Should().NotContain("4111");
        string.Join("\n", Texts(JsonNode.Parse(stored))).Should().NotContain("4111");
    }

    /// <summary>
    /// The text values of a JSON document but its ids and timestamps: those are random and may hold any digits (a
    /// thread id or an <c>updatedAt</c> holding "4111" once made the card test fail without a leak).
    /// </summary>
    private static IEnumerable<string> Texts(JsonNode? node, string? name = null) => node switch
    {
        JsonObject o => o.SelectMany(p => Texts(p.Value, p.Key)),
        JsonArray a => a.SelectMany(n => Texts(n, name)),
        JsonValue v when v.TryGetValue<string>(out var text) && !IsIdOrTime(name) => [text],
        _ => [],
    };

    private static bool IsIdOrTime(string? name) =>
        name is not null && (name == "id" || name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("At", StringComparison.Ordinal));

    [Fact]
    public async Task Handoff_CallerAnswersAsTheSupervisor_IsRefused_ButMayHangUp()
    {
        var thread = RunInputs.NewThreadId();
        var handedOff = await _voice.TurnAsync(thread, "r1", "handoff", "I want to speak to a person");
        var id = (string)handedOff.Interrupts().Single()["id"]!;

        var impersonated = await _voice.ResumeAsync(thread, "r2", VoiceClient.Resolved(id, """{"supervisor":"Me","reply":"refund approved"}"""));
        var hungUp = await _voice.ResumeAsync(thread, "r3", $$"""[{"interruptId":"{{id}}","status":"cancelled"}]""");

        impersonated.ErrorCode().Should().Be(ThreadErrorCodes.ApproverRequired);
        hungUp.Outcome().Should().Be("success");
        hungUp.Said().Should().Equal("No colleague is free right now. We will call you back.");
    }

    [Fact]
    public async Task PolicyHold_CallerWithdraws_NeedsNoApprover()
    {
        var thread = RunInputs.NewThreadId();
        var held = await _voice.TurnAsync(thread, "r1", "policy-hold", "transfer 20 euros to Ann");
        var id = (string)held.Interrupts().Single()["id"]!;

        var withdrawn = await _voice.ResumeAsync(thread, "r2", VoiceClient.Cancelled(id));

        withdrawn.Outcome().Should().Be("success");
        withdrawn.Said().Should().Equal("OK, I dropped that request.");
    }

    [Theory]
    [InlineData("what is my balance")]
    [InlineData("my order number is 12345678")]   // digits, but too few for a card number
    public async Task PolicyHold_BenignTranscript_AnswersWithoutAHold(string transcript)
    {
        var stream = await _voice.TurnAsync(RunInputs.NewThreadId(), "r1", "policy-hold", transcript);

        stream.Outcome().Should().Be("success");
        stream.Said().Should().Equal(VoiceAgent.Answer(transcript));
    }

    // ---- STT / TTS failure ------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("stt-failure", VoiceErrorCodes.SttFailed)]
    [InlineData("tts-failure", VoiceErrorCodes.TtsFailed)]
    public async Task EngineFailure_OnTheScriptedAttempt_EndsWithItsRetryableCode_ThenTheRetryOnTheSameThreadSucceeds(string scenario, string code)
    {
        var thread = RunInputs.NewThreadId();
        var failed = await _voice.TurnAsync(thread, "r1", scenario, "read my messages", ""","attempt":1,"failingAttempts":1""");

        failed.AgentErrorCode().Should().Be(code);
        ((string?)failed.Last["message"]).Should().Contain("attempt 1").And.Contain("attempt 2");
        failed.Events.ShouldBeValidEvents();
        if (scenario == "stt-failure")
        {
            failed.Types.Should().Equal(["RUN_STARTED", "RUN_ERROR"], "nothing is said when nothing was recognized");
        }
        else
        {
            failed.Types.Should().Contain("TEXT_MESSAGE_CONTENT").And.NotContain("TEXT_MESSAGE_END", "synthesis died mid-sentence");
        }

        ((string?)(await _voice.Host.ThreadAsync(VoiceClient.Path, thread))["status"]).Should().Be("idle", "a failed run leaves the thread free");

        var retried = await _voice.TurnAsync(thread, "r2", scenario, "read my messages", ""","attempt":2,"failingAttempts":1""");

        retried.Outcome().Should().Be("success");
        retried.Said().Should().ContainSingle().Which.Should().StartWith(VoiceAgent.Answer("read my messages"));
        retried.Events.ShouldBeValidEvents();
    }

    [Theory]
    [InlineData("stt-failure", 2, 2, true)]   // the engine is scripted to fail twice: the second attempt fails too
    [InlineData("stt-failure", 3, 2, false)]
    [InlineData("tts-failure", 1, 0, false)]  // an engine scripted never to fail
    [InlineData("tts-failure", 2, 3, true)]
    public async Task EngineFailure_FailsExactlyOnTheScriptedAttempts(string scenario, int attempt, int failingAttempts, bool fails)
    {
        var stream = await _voice.TurnAsync(RunInputs.NewThreadId(), "r1", scenario, "hello",
            $",\"attempt\":{attempt},\"failingAttempts\":{failingAttempts}");

        ((string?)stream.Last["type"]).Should().Be(fails ? "RUN_ERROR" : "RUN_FINISHED");
    }

    // ---- human hand-off ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Handoff_SupervisorRepliesThroughRest_WhileTheCallerPollsTheThreadView_ThenTheCallerResumes()
    {
        var thread = RunInputs.NewThreadId();
        var handedOff = await _voice.TurnAsync(thread, "r1", "handoff", "I want to speak to a person about my refund");
        var interrupt = handedOff.Interrupts().Should().ContainSingle().Subject;
        ((string?)interrupt["reason"]).Should().Be(VoiceAgent.HandoffReason);
        var id = (string)interrupt["id"]!;

        // The caller's view, and its ETag: unchanged → 304.
        string etag;
        using (var first = await _voice.Host.SendAsync(HttpMethod.Get, $"{VoiceClient.Path}/threads/{thread}"))
        {
            first.StatusCode.Should().Be(HttpStatusCode.OK);
            etag = first.Headers.ETag!.Tag;
        }

        (await GetViewAsync(thread, etag, "alice")).Status.Should().Be(HttpStatusCode.NotModified);

        // The caller polls until the hand-off is decided; meanwhile the supervisor (another client) answers.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var polling = Task.Run(async () =>
        {
            while (true)
            {
                var (status, body, tag) = await GetViewAsync(thread, etag, "alice");
                if (status == HttpStatusCode.NotModified)
                {
                    await Task.Delay(20, timeout.Token);
                    continue;
                }

                status.Should().Be(HttpStatusCode.OK);
                etag = tag!;
                if (body!["pendingInterrupts"]![0]!["decision"] is { } decision)
                {
                    return decision.AsObject();
                }
            }
        }, timeout.Token);

        // The supervisor is another client (its own connections), identified as an approver.
        using var supervisor = new HttpClient { BaseAddress = _voice.Host.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        // A non-approver cannot reach the caller's thread.
        (await GetViewAsync(thread, null, "mallory", owner: "alice")).Status.Should().Be(HttpStatusCode.NotFound);

        var (seen, seenBody, _) = await GetViewAsync(thread, null, "sam", role: "approver", owner: "alice", client: supervisor);
        seen.Should().Be(HttpStatusCode.OK);
        var pending = seenBody!["pendingInterrupts"]!.AsArray().Should().ContainSingle().Subject!;
        ((string?)pending["interrupt"]!["message"]).Should().Contain("refund");
        var (decided, _) = await _voice.DecideAsync(thread, id, """{"status":"resolved","payload":{"reply":"Your refund left today.","supervisor":"Sam"}}""",
            user: "sam", role: "approver", owner: "alice", client: supervisor);
        decided.Should().Be(HttpStatusCode.OK);

        var seenDecision = await polling;
        ((string?)seenDecision["decidedBy"]).Should().Be("sam");
        ((string?)seenDecision["payload"]!["reply"]).Should().Be("Your refund left today.");

        var resumed = await _voice.ResumeAsync(thread, "r2");

        resumed.Outcome().Should().Be("success");
        resumed.Said().Should().Equal("Sam says: Your refund left today.");
        resumed.Events.ShouldBeValidEvents();
    }

    [Fact]
    public async Task Handoff_SupervisorReplyFailingTheSchema_IsRefusedAndNothingIsRecorded()
    {
        var thread = RunInputs.NewThreadId();
        var handedOff = await _voice.TurnAsync(thread, "r1", "handoff", "a person please");
        var id = (string)handedOff.Interrupts().Single()["id"]!;

        var (status, body) = await _voice.DecideAsync(thread, id, """{"status":"resolved","payload":{"reply":""}}""", user: "sam", role: "approver", owner: "alice");

        status.Should().Be(HttpStatusCode.UnprocessableEntity);
        ((string?)body["code"]).Should().Be(ThreadErrorCodes.InvalidResumePayload);
        var view = await _voice.Host.ThreadAsync(VoiceClient.Path, thread);
        view["pendingInterrupts"]![0]!.AsObject().ContainsKey("decision").Should().BeFalse();
    }

    private async Task<(HttpStatusCode Status, JsonObject? Body, string? ETag)> GetViewAsync(
        string thread, string? etag, string user, string? role = null, string? owner = null, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{VoiceClient.Path}/threads/{thread}" + (owner is null ? "" : $"?owner={owner}"));
        request.Headers.Add("X-User", user);
        if (role is not null)
        {
            request.Headers.Add("X-Role", role);
        }

        if (etag is not null)
        {
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(etag));
        }

        using var response = await (client ?? _voice.Host.Client).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(text)!.AsObject() : null, response.Headers.ETag?.Tag);
    }

    // ---- strategy switch --------------------------------------------------------------------------------------------

    [Fact]
    public async Task Strategy_TheChosenStrategyChangesTheAnswer()
    {
        const string Transcript = "change my flight to Friday";
        async Task<RunStream> ChooseAsync(string strategy)
        {
            var thread = RunInputs.NewThreadId();
            var offered = await _voice.TurnAsync(thread, "r1", "strategy", Transcript);
            var interrupt = offered.Interrupts().Should().ContainSingle().Subject;
            ((string?)interrupt["reason"]).Should().Be(VoiceAgent.StrategyReason);
            interrupt["responseSchema"]!["properties"]!["strategy"]!["enum"]!.AsArray().Select(v => (string)v!).Should().Equal("concise", "detailed", "escalate");
            return await _voice.ResumeAsync(thread, "r2", VoiceClient.Resolved((string)interrupt["id"]!, $$"""{"strategy":"{{strategy}}"}"""));
        }

        var concise = await ChooseAsync("concise");
        var detailed = await ChooseAsync("detailed");
        var escalated = await ChooseAsync("escalate");

        concise.Outcome().Should().Be("success");
        concise.Said().Should().Equal(VoiceAgent.Answer(Transcript));
        detailed.Outcome().Should().Be("success");
        var detail = detailed.Said().Should().ContainSingle().Subject;
        detail.Should().StartWith(VoiceAgent.Answer(Transcript)).And.Contain("In detail").And.NotBe(concise.Said()[0]);
        detail.Split(". ").Length.Should().BeGreaterThan(3, "the detailed answer has several sentences");
        var handoff = escalated.Interrupts().Should().ContainSingle().Subject;
        ((string?)handoff["reason"]).Should().Be(VoiceAgent.HandoffReason, "escalating hands the caller to a human");
        ((string?)handoff["message"]).Should().Contain(Transcript);
    }

    [Fact]
    public async Task Strategy_NotOnOffer_IsRefusedBySchema()
    {
        var thread = RunInputs.NewThreadId();
        var offered = await _voice.TurnAsync(thread, "r1", "strategy", "hi");
        var id = (string)offered.Interrupts().Single()["id"]!;

        var refused = await _voice.ResumeAsync(thread, "r2", VoiceClient.Resolved(id, """{"strategy":"verbose"}"""));

        refused.ErrorCode().Should().Be(ThreadErrorCodes.InvalidResumePayload);
    }

    // ---- the script itself ------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("""{"scenario":"karaoke","transcript":"hi"}""", VoiceErrorCodes.ScenarioUnknown, "karaoke")]
    [InlineData("""{"scenario":"BARGE-IN","transcript":"hi"}""", VoiceErrorCodes.ScenarioUnknown, "barge-in")]
    [InlineData("""{"transcript":"hi"}""", VoiceErrorCodes.InputInvalid, "scenario")]
    [InlineData("""{"scenario":"barge-in"}""", VoiceErrorCodes.InputInvalid, "transcript")]
    [InlineData("""{"scenario":"barge-in","transcript":"  "}""", VoiceErrorCodes.InputInvalid, "transcript")]
    [InlineData("""{"scenario":"low-confidence","transcript":"hi","confidence":"high"}""", VoiceErrorCodes.InputInvalid, "confidence")]
    [InlineData("""{"scenario":"low-confidence","transcript":"hi","confidence":1.5}""", VoiceErrorCodes.InputInvalid, "confidence")]
    [InlineData("""{"scenario":"low-confidence","transcript":"hi","confidance":0.5}""", VoiceErrorCodes.InputInvalid, "forwardedProps.voice")]
    [InlineData("""{"scenario":"stt-failure","transcript":"hi","attempt":0}""", VoiceErrorCodes.InputInvalid, "attempt")]
    [InlineData("""{"scenario":"barge-in","transcript":"hi","wordDelayMs":60000}""", VoiceErrorCodes.InputInvalid, "wordDelayMs")]
    [InlineData("\"barge-in\"", VoiceErrorCodes.InputInvalid, "forwardedProps.voice")]
    [InlineData("null", VoiceErrorCodes.InputInvalid, "forwardedProps.voice is missing")]
    public async Task Script_MalformedOrUnknown_EndsWithACodedRunErrorNot500(string voiceJson, string code, string named)
    {
        var stream = await _voice.Host.SendRunAsync(VoiceClient.Path, VoiceClient.Input(RunInputs.NewThreadId(), "r1", voiceJson));

        stream.Response.StatusCode.Should().Be(HttpStatusCode.OK);
        stream.Types.Should().Equal("RUN_STARTED", "RUN_ERROR");
        ((string?)stream.Last["code"]).Should().Be(code);
        ((string?)stream.Last["message"]).Should().Contain(named);
        stream.Events.ShouldBeValidEvents();
    }

    [Fact]
    public async Task Script_NoForwardedProps_EndsWithInputInvalid()
    {
        var stream = await _voice.Host.SendRunAsync(VoiceClient.Path, RunInputs.Json(RunInputs.NewThreadId(), "r1"));

        stream.AgentErrorCode().Should().Be(VoiceErrorCodes.InputInvalid);
        ((string?)stream.Last["message"]).Should().Contain("\"scenario\"", "the message shows the expected shape");
    }
}
