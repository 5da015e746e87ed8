namespace AutomagikHello.Demo.Agents;

/// <summary>
/// The <c>RUN_ERROR.code</c> values of the <see cref="VoiceAgent"/>. The engine failures are retryable: the thread is
/// left idle, and a new run on the same thread (the next attempt) is accepted. The input errors are not: resending
/// the same input fails the same way.
/// </summary>
public static class VoiceErrorCodes
{
    /// <summary>Speech recognition failed before anything was said. Retryable.</summary>
    public const string SttFailed = "VOICE_STT_FAILED";

    /// <summary>Speech synthesis failed while the agent was speaking. Retryable.</summary>
    public const string TtsFailed = "VOICE_TTS_FAILED";

    /// <summary><c>forwardedProps.voice</c> is missing or malformed (the message names the member). Not retryable.</summary>
    public const string InputInvalid = "VOICE_INPUT_INVALID";

    /// <summary><c>forwardedProps.voice.scenario</c> names no scenario (the message lists them). Not retryable.</summary>
    public const string ScenarioUnknown = "VOICE_SCENARIO_UNKNOWN";
}
