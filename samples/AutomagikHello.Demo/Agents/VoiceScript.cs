using System.Text.Json;
using System.Text.Json.Serialization;
using AutomagikHello.AgUi;

namespace AutomagikHello.Demo.Agents;

/// <summary>The scripted voice turns the <see cref="VoiceAgent"/> plays.</summary>
public enum VoiceScenario
{
    /// <summary><c>barge-in</c>: the agent speaks slowly, so the client can cancel while it talks.</summary>
    BargeIn,

    /// <summary><c>low-confidence</c>: below the threshold, the agent asks to confirm or correct the transcript.</summary>
    LowConfidence,

    /// <summary><c>policy-hold</c>: sensitive content waits for an approver's decision.</summary>
    PolicyHold,

    /// <summary><c>stt-failure</c>: the speech recognizer fails on the scripted attempts.</summary>
    SttFailure,

    /// <summary><c>tts-failure</c>: the speech synthesizer fails mid-answer on the scripted attempts.</summary>
    TtsFailure,

    /// <summary><c>handoff</c>: the agent hands the caller to a human supervisor.</summary>
    Handoff,

    /// <summary><c>strategy</c>: the agent asks how to answer (concise, detailed or escalate).</summary>
    Strategy,
}

/// <summary>
/// One scripted voice turn, read from <c>RunAgentInput.forwardedProps.voice</c>:
/// <c>{"scenario": "low-confidence", "transcript": "book a table for two", "confidence": 0.42, "attempt": 1,
/// "failingAttempts": 1, "wordDelayMs": 120}</c>. Only <c>scenario</c> and <c>transcript</c> are required.
/// </summary>
public sealed class VoiceScript
{
    /// <summary>The largest accepted <c>wordDelayMs</c>.</summary>
    public const int MaxWordDelayMs = 5_000;

    /// <summary>The speaking pace of <c>barge-in</c> when the script sets none.</summary>
    public static readonly TimeSpan DefaultBargeInWordDelay = TimeSpan.FromMilliseconds(120);

    private static readonly Dictionary<string, VoiceScenario> ByWireName =
        Enum.GetValues<VoiceScenario>().ToDictionary(WireName, StringComparer.Ordinal);

    private static readonly string ScenarioNames = string.Join(", ", Enum.GetValues<VoiceScenario>().Select(WireName));

    private const string Shape =
        "{\"voice\": {\"scenario\": string, \"transcript\": non-empty string, \"confidence\"?: 0..1, \"attempt\"?: integer >= 1, " +
        "\"failingAttempts\"?: integer >= 0, \"wordDelayMs\"?: 0..5000}}";

    /// <summary>What the turn exercises.</summary>
    public required VoiceScenario Scenario { get; init; }

    /// <summary>What the speech recognizer heard.</summary>
    public required string Transcript { get; init; }

    /// <summary>The recognizer's confidence in <see cref="Transcript"/>, 0 to 1 (1 when the script sets none).</summary>
    public double Confidence { get; init; } = 1;

    /// <summary>Which attempt at this turn this run is, from 1: a retry after a failure sends the next number.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The engine of a failure scenario fails on attempts 1 to this number (1 when the script sets none).</summary>
    public int FailingAttempts { get; init; } = 1;

    /// <summary>The pause between two spoken words.</summary>
    public TimeSpan WordDelay { get; init; }

    /// <summary>The wire name of a scenario (<c>barge-in</c>, <c>low-confidence</c>, …).</summary>
    /// <param name="scenario">The scenario.</param>
    /// <returns>Its name in <c>forwardedProps.voice.scenario</c>.</returns>
    public static string WireName(VoiceScenario scenario) => scenario switch
    {
        VoiceScenario.BargeIn => "barge-in",
        VoiceScenario.LowConfidence => "low-confidence",
        VoiceScenario.PolicyHold => "policy-hold",
        VoiceScenario.SttFailure => "stt-failure",
        VoiceScenario.TtsFailure => "tts-failure",
        VoiceScenario.Handoff => "handoff",
        VoiceScenario.Strategy => "strategy",
        _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
    };

    /// <summary>Reads the turn from a run's <c>forwardedProps</c>; other members of <c>forwardedProps</c> are left alone.</summary>
    /// <param name="forwardedProps">The input's <c>forwardedProps</c>.</param>
    /// <returns>The turn.</returns>
    /// <exception cref="RunErrorException">
    /// <see cref="VoiceErrorCodes.InputInvalid"/> when <c>voice</c> is missing or malformed (the message names the
    /// member), <see cref="VoiceErrorCodes.ScenarioUnknown"/> for a scenario it does not know.
    /// </exception>
    public static VoiceScript Parse(JsonElement? forwardedProps)
    {
        VoiceScriptDocument? document;
        try
        {
            document = forwardedProps is { ValueKind: JsonValueKind.Object } props
                ? props.Deserialize(DemoJsonContext.Default.VoiceForwardedProps)?.Voice
                : null;
        }
        catch (JsonException ex)
        {
            throw Invalid($"forwardedProps{ex.Path?.TrimStart('$')} is malformed");
        }

        if (document is null)
        {
            throw Invalid("forwardedProps.voice is missing");
        }

        if (string.IsNullOrWhiteSpace(document.Scenario))
        {
            throw Invalid("forwardedProps.voice.scenario is missing");
        }

        if (!ByWireName.TryGetValue(document.Scenario, out var scenario))
        {
            throw new RunErrorException(VoiceErrorCodes.ScenarioUnknown, $"Unknown voice scenario '{document.Scenario}'; known: {ScenarioNames}.");
        }

        if (string.IsNullOrWhiteSpace(document.Transcript))
        {
            throw Invalid("forwardedProps.voice.transcript is missing or empty");
        }

        if (document.Confidence is < 0 or > 1)
        {
            throw Invalid("forwardedProps.voice.confidence must be between 0 and 1");
        }

        if (document.Attempt is < 1)
        {
            throw Invalid("forwardedProps.voice.attempt must be 1 or more");
        }

        if (document.FailingAttempts is < 0)
        {
            throw Invalid("forwardedProps.voice.failingAttempts must be 0 or more");
        }

        if (document.WordDelayMs is < 0 or > MaxWordDelayMs)
        {
            throw Invalid($"forwardedProps.voice.wordDelayMs must be between 0 and {MaxWordDelayMs}");
        }

        return new VoiceScript
        {
            Scenario = scenario,
            Transcript = document.Transcript.Trim(),
            Confidence = document.Confidence ?? 1,
            Attempt = document.Attempt ?? 1,
            FailingAttempts = document.FailingAttempts ?? 1,
            WordDelay = document.WordDelayMs is { } ms ? TimeSpan.FromMilliseconds(ms)
                : scenario == VoiceScenario.BargeIn ? DefaultBargeInWordDelay
                : TimeSpan.Zero,
        };
    }

    private static RunErrorException Invalid(string problem) =>
        new(VoiceErrorCodes.InputInvalid, $"{problem}; expected forwardedProps {Shape}.");
}

/// <summary><c>forwardedProps</c> as the voice agent reads it: only <c>voice</c>; anything else is someone else's.</summary>
internal sealed class VoiceForwardedProps
{
    public VoiceScriptDocument? Voice { get; init; }
}

/// <summary><c>forwardedProps.voice</c> as sent; a member it does not know is refused (a typo must not pass silently).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class VoiceScriptDocument
{
    public string? Scenario { get; init; }

    public string? Transcript { get; init; }

    public double? Confidence { get; init; }

    public int? Attempt { get; init; }

    public int? FailingAttempts { get; init; }

    public int? WordDelayMs { get; init; }
}

/// <summary>What a voice interrupt remembers of its turn (its <c>metadata</c>), so the resuming run can go on.</summary>
internal sealed class VoiceInterruptContext
{
    public required string Scenario { get; init; }

    public required string Transcript { get; init; }

    public double? Confidence { get; init; }
}
