using System.Globalization;
using System.Text.Json;
using AutomagikHello.AgUi;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.Demo.Agents;

/// <summary>
/// A voice assistant driven by scripted turns instead of audio: each run reads what the speech recognizer "heard"
/// (transcript, confidence, attempt) from <c>forwardedProps.voice</c> (<see cref="VoiceScript"/>) and plays one
/// scenario. Speech is streamed as <c>TEXT_MESSAGE_*</c>; barge-in is the cancel endpoint; low confidence, policy
/// holds, hand-offs and strategy choices are interrupts whose context travels in their <c>metadata</c>, so the
/// resuming run needs nothing but the answer; engine failures end with retryable <c>RUN_ERROR</c> codes
/// (<see cref="VoiceErrorCodes"/>). See docs/voice.md.
/// </summary>
public sealed class VoiceAgent : IAgUiAgent
{
    /// <summary>The confidence below which the agent asks to confirm or correct the transcript.</summary>
    public const double DefaultConfidenceThreshold = 0.6;

    /// <summary>The interrupt reason of a policy hold.</summary>
    public const string PolicyHoldReason = "voice:policy_hold";

    /// <summary>The interrupt reason of a hand-off to a human.</summary>
    public const string HandoffReason = "voice:human_handoff";

    /// <summary>The interrupt reason of a strategy choice.</summary>
    public const string StrategyReason = "voice:strategy";

    /// <summary>The answer to a low-confidence turn: confirm what was heard, or correct it.</summary>
    public static readonly JsonElement ClarifySchema = JsonDocument.Parse("""
        {
          "type": "object",
          "title": "Did I hear you right?",
          "properties": {
            "confirmed": { "type": "boolean", "title": "That is what I said" },
            "correction": { "type": "string", "minLength": 1, "maxLength": 500, "title": "What I actually said" }
          },
          "required": ["confirmed"],
          "additionalProperties": false
        }
        """).RootElement;

    /// <summary>An approver's decision on a policy hold.</summary>
    public static readonly JsonElement PolicyHoldSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "title": "Policy hold",
          "properties": {
            "approved": { "type": "boolean", "title": "Approve" },
            "note": { "type": "string", "maxLength": 500, "title": "Note to the caller" }
          },
          "required": ["approved"],
          "additionalProperties": false
        }
        """).RootElement;

    /// <summary>A human supervisor's reply to the caller.</summary>
    public static readonly JsonElement HandoffSchema = JsonDocument.Parse("""
        {
          "type": "object",
          "title": "Reply to the caller",
          "properties": {
            "reply": { "type": "string", "minLength": 1, "maxLength": 2000, "title": "Reply" },
            "supervisor": { "type": "string", "minLength": 1, "maxLength": 100, "title": "Your name" }
          },
          "required": ["reply"],
          "additionalProperties": false
        }
        """).RootElement;

    /// <summary>How the caller wants the answer.</summary>
    public static readonly JsonElement StrategySchema = JsonDocument.Parse("""
        {
          "type": "object",
          "title": "How should I answer?",
          "properties": {
            "strategy": { "type": "string", "enum": ["concise", "detailed", "escalate"], "title": "Strategy" }
          },
          "required": ["strategy"],
          "additionalProperties": false
        }
        """).RootElement;

    private readonly double _confidenceThreshold;

    /// <summary>Creates the agent.</summary>
    /// <param name="confidenceThreshold">Below this confidence (0 to 1) the transcript is confirmed first; at it, it is trusted.</param>
    public VoiceAgent(double confidenceThreshold = DefaultConfidenceThreshold)
    {
        if (!double.IsFinite(confidenceThreshold) || confidenceThreshold is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(confidenceThreshold), confidenceThreshold, "The confidence threshold is between 0 and 1.");
        }

        _confidenceThreshold = confidenceThreshold;
    }

    /// <summary>What the agent says once it acts on <paramref name="transcript"/> (the concise answer).</summary>
    /// <param name="transcript">The transcript acted on.</param>
    /// <returns>The sentence.</returns>
    public static string Answer(string transcript) => $"Got it: {transcript}.";

    /// <inheritdoc />
    public async ValueTask<AgentOutcome> RunAsync(AgUiRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Resume is [var answer, ..])
        {
            return await ContinueAsync(run, answer, cancellationToken);
        }

        var script = VoiceScript.Parse(run.Input.ForwardedProps);
        // A card number never reaches the client or the thread store, whatever the scenario: only the redacted transcript does.
        var sensitive = SensitiveSpeech.IsSensitive(script.Transcript);
        var heard = SensitiveSpeech.Redact(script.Transcript);
        switch (script.Scenario)
        {
            case VoiceScenario.LowConfidence when script.Confidence < _confidenceThreshold:
                await run.SendTextMessageAsync("Sorry, I am not sure I heard that right.");
                return AgentOutcome.Interrupt(run.CreateInterrupt(
                    "input_required",
                    $"I heard \"{heard}\" ({script.Confidence.ToString("0.00", CultureInfo.InvariantCulture)} confident). Is that right? Confirm it or correct it.",
                    ClarifySchema,
                    metadata: Context(script, heard)));

            case VoiceScenario.PolicyHold when sensitive:
                await run.SendTextMessageAsync("This request needs a supervisor's approval. Please hold on.");
                // Only an approver grants a hold: the caller's own resume (or decision) may withdraw it, never approve it.
                return AgentOutcome.Interrupt(run.RequireApprover(run.CreateInterrupt(
                    PolicyHoldReason, $"Approve this request? \"{heard}\"", PolicyHoldSchema, metadata: Context(script, heard))));

            case VoiceScenario.SttFailure when script.Attempt <= script.FailingAttempts:
                throw new RunErrorException(VoiceErrorCodes.SttFailed,
                    $"Speech recognition failed on attempt {script.Attempt}; nothing was said. Retry the turn as attempt {script.Attempt + 1}.");

            case VoiceScenario.TtsFailure when script.Attempt <= script.FailingAttempts:
                var words = LongAnswer(heard).Split(' ');
                var message = await run.StartTextMessageAsync();
                foreach (var word in words[..(words.Length / 2)])
                {
                    await message.AppendAsync(word + " ");
                }

                // The message stays open: RUN_ERROR abandons it, as a synthesizer dying mid-sentence would.
                throw new RunErrorException(VoiceErrorCodes.TtsFailed,
                    $"Speech synthesis failed on attempt {script.Attempt} after {words.Length / 2} words. Retry the turn as attempt {script.Attempt + 1}.");

            case VoiceScenario.Handoff:
                await run.SendTextMessageAsync("Let me connect you with a colleague.");
                return AgentOutcome.Interrupt(Handoff(run, script.Scenario, heard));

            case VoiceScenario.Strategy:
                await run.SendTextMessageAsync("I can keep it short, go into detail, or bring in a person.");
                return AgentOutcome.Interrupt(run.CreateInterrupt(
                    StrategyReason, $"How should I answer \"{heard}\"?", StrategySchema, metadata: Context(script, heard)));

            case VoiceScenario.BargeIn:
                await SpeakAsync(run, LongAnswer(heard), script.WordDelay, cancellationToken);
                return AgentOutcome.Success();

            default:
                // A trusted transcript, a benign request or an engine that works on this attempt: just answer.
                await SpeakAsync(run, script.Scenario == VoiceScenario.TtsFailure ? LongAnswer(heard) : Answer(heard), script.WordDelay, cancellationToken);
                return AgentOutcome.Success();
        }
    }

    private static async ValueTask<AgentOutcome> ContinueAsync(AgUiRun run, ResumeAnswer answer, CancellationToken cancellationToken)
    {
        var context = answer.Interrupt.Metadata is { ValueKind: JsonValueKind.Object } metadata
            ? metadata.Deserialize(DemoJsonContext.Default.VoiceInterruptContext)
            : null;
        if (context is null)
        {
            throw new RunErrorException(VoiceErrorCodes.InputInvalid, $"Interrupt '{answer.Interrupt.Id}' was not raised by the voice agent.");
        }

        var payload = answer.Entry.Status == ResumeStatus.Resolved ? answer.Entry.Payload : null;
        switch (answer.Interrupt.Reason)
        {
            case "input_required":
                if (payload is null)
                {
                    await run.SendTextMessageAsync("OK, never mind.");
                    return AgentOutcome.Success();
                }

                var confirmed = payload.Value.GetProperty("confirmed").GetBoolean();
                var said = payload.Value.TryGetProperty("correction", out var correction) ? correction.GetString()
                    : confirmed ? context.Transcript
                    : null;
                await run.SendTextMessageAsync(said is null ? "Sorry about that. Please say it again." : Answer(said));
                return AgentOutcome.Success();

            case PolicyHoldReason:
                if (payload is null)
                {
                    await run.SendTextMessageAsync("OK, I dropped that request.");
                    return AgentOutcome.Success();
                }

                var note = payload.Value.TryGetProperty("note", out var n) ? " Note: " + n.GetString() : string.Empty;
                await run.SendTextMessageAsync(payload.Value.GetProperty("approved").GetBoolean()
                    ? $"A supervisor approved it. Done: {context.Transcript}.{note}"
                    : $"A supervisor declined this request, so I did not do it.{note}");
                return AgentOutcome.Success();

            case HandoffReason:
                if (payload is null)
                {
                    await run.SendTextMessageAsync("No colleague is free right now. We will call you back.");
                    return AgentOutcome.Success();
                }

                var supervisor = payload.Value.TryGetProperty("supervisor", out var name) ? name.GetString() : "A colleague";
                await run.SendTextMessageAsync($"{supervisor} says: {payload.Value.GetProperty("reply").GetString()}");
                return AgentOutcome.Success();

            case StrategyReason:
                switch (payload?.GetProperty("strategy").GetString() ?? "concise")
                {
                    case "detailed":
                        await SpeakAsync(run, DetailedAnswer(context.Transcript), TimeSpan.Zero, cancellationToken);
                        return AgentOutcome.Success();
                    case "escalate":
                        await run.SendTextMessageAsync("I will bring in a person for this.");
                        return AgentOutcome.Interrupt(Handoff(run, VoiceScenario.Strategy, context.Transcript));
                    default:
                        await run.SendTextMessageAsync(Answer(context.Transcript));
                        return AgentOutcome.Success();
                }

            default:
                throw new RunErrorException(VoiceErrorCodes.InputInvalid, $"Interrupt '{answer.Interrupt.Id}' has a reason the voice agent does not raise.");
        }
    }

    // The reply comes from a supervisor (an approver), never from the caller's own resume.
    private static Interrupt Handoff(AgUiRun run, VoiceScenario scenario, string heard) => run.RequireApprover(run.CreateInterrupt(
        HandoffReason,
        $"The caller said \"{heard}\". Please reply to them.",
        HandoffSchema,
        metadata: JsonSerializer.SerializeToElement(
            new VoiceInterruptContext { Scenario = VoiceScript.WireName(scenario), Transcript = heard },
            DemoJsonContext.Default.VoiceInterruptContext)));

    private static JsonElement Context(VoiceScript script, string transcript) => JsonSerializer.SerializeToElement(
        new VoiceInterruptContext { Scenario = VoiceScript.WireName(script.Scenario), Transcript = transcript, Confidence = script.Confidence },
        DemoJsonContext.Default.VoiceInterruptContext);

    /// <summary>Speaks word by word, pausing <paramref name="wordDelay"/> between words; a cancel stops it mid-sentence.</summary>
    private static async ValueTask SpeakAsync(AgUiRun run, string text, TimeSpan wordDelay, CancellationToken cancellationToken)
    {
        var message = await run.StartTextMessageAsync();
        var words = text.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            if (i > 0 && wordDelay > TimeSpan.Zero)
            {
                await Task.Delay(wordDelay, cancellationToken);
            }

            await message.AppendAsync(i == 0 ? words[i] : " " + words[i]);
        }

        await message.EndAsync();
    }

    private static string LongAnswer(string transcript) =>
        $"{Answer(transcript)} Let me tell you everything about it, because there is quite a lot to say. " +
        "First, I looked at what you asked and at what I know about you. Second, I checked what is possible today. " +
        "Third, I put it all together so that you do not have to call again. " +
        "If you want me to stop, just start talking, and I will stop at once.";

    private static string DetailedAnswer(string transcript) =>
        $"{Answer(transcript)} In detail: first, I checked that this is possible. " +
        "Second, I went through the options and picked the one that fits best. " +
        "Third, it is done, and you will get a written confirmation.";
}
