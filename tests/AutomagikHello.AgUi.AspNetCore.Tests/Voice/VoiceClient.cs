using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.AspNetCore.Tests.Interrupts;
using AutomagikHello.Demo.Agents;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Voice;

/// <summary>
/// The demo's voice agent on a real server (<see cref="InterruptHost"/>: X-User / X-Role header auth, approvers by role)
/// at <see cref="Path"/> (threshold 0.6) and <see cref="StrictPath"/> (threshold 0.9), and the calls the voice tests make.
/// </summary>
public sealed class VoiceClient : IAsyncDisposable
{
    public const string Path = "/agents/voice";
    public const string StrictPath = "/agents/voice-strict";

    private VoiceClient(InterruptHost host) => Host = host;

    public InterruptHost Host { get; }

    public static async Task<VoiceClient> StartAsync() => new(await InterruptHost.StartAsync((app, _) =>
    {
        app.MapAgUi(Path, new VoiceAgent());
        app.MapAgUi(StrictPath, new VoiceAgent(confidenceThreshold: 0.9));
    }));

    /// <summary>A run input whose <c>forwardedProps.voice</c> is <paramref name="voiceJson"/> (raw JSON, any shape).</summary>
    public static string Input(string thread, string runId, string voiceJson, Action<JsonObject>? amend = null) =>
        RunInputs.Json(thread, runId, "(voice turn)", input =>
        {
            input["forwardedProps"] = JsonNode.Parse($$"""{"voice":{{voiceJson}},"client":"voice-tests"}""");
            amend?.Invoke(input);
        });

    /// <summary>A turn of <paramref name="scenario"/> with <paramref name="transcript"/> and optional extra members.</summary>
    public Task<RunStream> TurnAsync(string thread, string runId, string scenario, string transcript, string extra = "", string path = Path, string user = "alice") =>
        Host.SendRunAsync(path, Input(thread, runId, $$"""{"scenario":"{{scenario}}","transcript":{{JsonValue.Create(transcript).ToJsonString()}}{{extra}}}"""), user);

    /// <summary>The <c>resume</c> array answering one interrupt with <paramref name="payloadJson"/>.</summary>
    public static string Resolved(string interruptId, string payloadJson) => $"[{InterruptStreams.Approve(interruptId, payloadJson)}]";

    /// <summary>The <c>resume</c> array cancelling one interrupt.</summary>
    public static string Cancelled(string interruptId) => $"[{InterruptStreams.Cancel(interruptId)}]";

    /// <summary>The frontend's resume: with <paramref name="resumeJson"/> entries, or none (decided out of band).</summary>
    public Task<RunStream> ResumeAsync(string thread, string runId, string? resumeJson = null, string path = Path, string user = "alice") =>
        Host.SendRunAsync(path, RunInputs.Json(thread, runId, "(resume)", input =>
        {
            if (resumeJson is not null)
            {
                input["resume"] = JsonNode.Parse(resumeJson);
            }
        }), user);

    /// <summary>
    /// A decision recorded through REST, by the owner or (with <paramref name="owner"/>) by someone else, sent through
    /// <paramref name="client"/> (another client, e.g. a supervisor's) or the host's.
    /// </summary>
    public async Task<(HttpStatusCode Status, JsonObject Body)> DecideAsync(
        string thread, string interruptId, string decisionJson, string user, string? role = null, string? owner = null, HttpClient? client = null)
    {
        var query = owner is null ? string.Empty : $"?owner={owner}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Path}/threads/{thread}/interrupts/{interruptId}{query}")
        {
            Content = new StringContent(decisionJson, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-User", user);
        if (role is not null)
        {
            request.Headers.Add("X-Role", role);
        }

        using var response = await (client ?? Host.Client).SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// <summary>Reading what the voice agent said out of a stream.</summary>
public static class VoiceStreams
{
    /// <summary>Every text message of the stream, in order, its deltas joined.</summary>
    public static IReadOnlyList<string> Said(this RunStream stream) =>
        stream.Events.Where(e => (string?)e["type"] == "TEXT_MESSAGE_START")
            .Select(start => (string)start["messageId"]!)
            .Select(id => string.Concat(stream.Events
                .Where(e => (string?)e["type"] == "TEXT_MESSAGE_CONTENT" && (string?)e["messageId"] == id)
                .Select(e => (string)e["delta"]!)))
            .ToList();

    public static string Outcome(this RunStream stream)
    {
        ((string?)stream.Last["type"]).Should().Be("RUN_FINISHED", stream.Last.ToJsonString());
        return (string)stream.Last["outcome"]!["type"]!;
    }

    /// <summary>The code of a RUN_ERROR the agent raised after RUN_STARTED.</summary>
    public static string AgentErrorCode(this RunStream stream)
    {
        stream.Types[0].Should().Be("RUN_STARTED", "the agent itself failed, after the run started");
        ((string?)stream.Last["type"]).Should().Be("RUN_ERROR", stream.Last.ToJsonString());
        return (string)stream.Last["code"]!;
    }
}
