using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace AutomagikHello.AgUi.LoadClient;

/// <summary>How a run's stream ended, as the client saw its last frame.</summary>
internal enum Terminal
{
    None,
    Success,
    Cancelled,
    OtherOutcome,
    Error,
}

/// <summary>
/// One run of the bench agent as the client sees it: the request, the time to its first frame, every frame counted
/// (heartbeat comments are not), the terminal frame and when it came. Timestamps are <see cref="Stopwatch"/> ticks.
/// </summary>
internal sealed class RunStream : IAsyncDisposable
{
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly SseFrameReader _reader;

    private RunStream(HttpResponseMessage response, Stream body, int bufferSize, long sentAt)
    {
        _response = response;
        _body = body;
        _reader = new SseFrameReader(body, bufferSize);
        SentAt = sentAt;
    }

    public long SentAt { get; }

    public long FirstFrameAt { get; private set; }

    public long TerminalAt { get; private set; }

    public int Frames { get; private set; }

    public Terminal Terminal { get; private set; }

    public bool StartedFirst { get; private set; }

    public bool FramesAfterTerminal { get; private set; }

    /// <summary>TEXT_MESSAGE_CONTENT frames seen so far.</summary>
    public int ContentFrames { get; private set; }

    /// <summary>The id of the text message the run streamed (from its TEXT_MESSAGE_START), if any.</summary>
    public string? AnswerMessageId { get; private set; }

    /// <summary>The text the run streamed: the bench agent's deltas are "abcdefgh" each (the run is checked before use).</summary>
    public string AnswerText()
    {
        var last = LastAnswer;
        if (last.Deltas != ContentFrames)
        {
            LastAnswer = last = new Answer(ContentFrames, Chat.BenchAnswer(ContentFrames));
        }

        return last.Text;
    }

    private sealed record Answer(int Deltas, string Text);

    private static volatile Answer LastAnswer = new(0, string.Empty);

    /// <summary>The request body for one voice barge-in turn: the agent speaks a word every <paramref name="wordDelayMs"/>.</summary>
    public static byte[] VoiceBody(string threadId, string runId, int wordDelayMs) => Encoding.UTF8.GetBytes(
        $"{{\"threadId\":\"{threadId}\",\"runId\":\"{runId}\",\"messages\":[],\"forwardedProps\":{{\"voice\":{{\"scenario\":\"barge-in\",\"transcript\":\"tell me everything\",\"wordDelayMs\":{wordDelayMs}}}}}}}");

    /// <summary>Posts the run and reads up to its first frame.</summary>
    public static async Task<RunStream> OpenAsync(HttpClient http, Uri uri, byte[] body, int bufferSize, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = Json;
        return await SendAsync(http, request, bufferSize, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reconnects to a logged run (GET …/events, Last-Event-ID <paramref name="lastEventId"/>) and reads up to its first replayed frame.</summary>
    public static async Task<RunStream> ReconnectAsync(HttpClient http, Uri events, long lastEventId, int bufferSize, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, events)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Add("Last-Event-ID", lastEventId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return await SendAsync(http, request, bufferSize, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<RunStream> SendAsync(HttpClient http, HttpRequestMessage request, int bufferSize, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri;
        request.Headers.Accept.Add(EventStream);
        var sentAt = Stopwatch.GetTimestamp();
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{request.Method} {uri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
            }

            var stream = new RunStream(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), bufferSize, sentAt);
            if (!await stream.ReadFrameAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"{request.Method} {uri}: the stream ended before its first frame.");
            }

            return stream;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Reads the rest of the stream.</summary>
    public async Task ReadToEndAsync(CancellationToken cancellationToken)
    {
        while (await ReadFrameAsync(cancellationToken).ConfigureAwait(false))
        {
        }
    }

    /// <summary>Reads up to the first TEXT_MESSAGE_CONTENT frame: the agent has started speaking.</summary>
    public async Task ReadUntilSpeakingAsync(CancellationToken cancellationToken)
    {
        while (ContentFrames == 0)
        {
            if (!await ReadFrameAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"The stream ended before the agent spoke ({Describe()}).");
            }
        }
    }

    /// <summary>Whether the stream was a complete run: RUN_STARTED first, <paramref name="frames"/> frames, the expected end.</summary>
    public bool IsValid(int frames, Terminal terminal) =>
        StartedFirst && Frames == frames && Terminal == terminal && !FramesAfterTerminal;

    public string Describe() =>
        $"frames={Frames} startedFirst={StartedFirst} terminal={Terminal} afterTerminal={FramesAfterTerminal}";

    private async ValueTask<bool> ReadFrameAsync(CancellationToken cancellationToken)
    {
        while (await _reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Observe(_reader.Current))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Records one frame; false for a comment (a heartbeat).</summary>
    private bool Observe(ReadOnlySpan<byte> frame)
    {
        // A logged run's events carry an SSE id line first ("id: N\n"): the data line follows it.
        if (frame.StartsWith("id: "u8) && frame.IndexOf((byte)'\n') is var eol and >= 0)
        {
            frame = frame[(eol + 1)..];
        }

        if (!frame.StartsWith("data: "u8))
        {
            return false;
        }

        Frames++;
        if (Terminal != Terminal.None)
        {
            FramesAfterTerminal = true;
        }

        var runStarted = frame.StartsWith("data: {\"type\":\"RUN_STARTED\""u8);
        if (Frames == 1)
        {
            FirstFrameAt = Stopwatch.GetTimestamp();
            StartedFirst = runStarted;
        }

        // Any frame but RUN_STARTED is read for what it is, the first too (a replay may begin at the terminal one).
        if (runStarted)
        {
            return true;
        }

        if (frame.StartsWith("data: {\"type\":\"TEXT_MESSAGE_CONTENT\""u8))
        {
            ContentFrames++;
        }
        else if (frame.StartsWith("data: {\"type\":\"TEXT_MESSAGE_START\""u8))
        {
            var id = frame.IndexOf("\"messageId\":\""u8);
            if (id >= 0)
            {
                var value = frame[(id + 13)..];
                AnswerMessageId = Encoding.UTF8.GetString(value[..Math.Max(0, value.IndexOf((byte)'"'))]);
            }
        }
        else if (frame.StartsWith("data: {\"type\":\"RUN_"u8))
        {
            TerminalAt = Stopwatch.GetTimestamp();
            Terminal = !frame.StartsWith("data: {\"type\":\"RUN_FINISHED\""u8) ? Terminal.Error
                : frame.IndexOf("\"outcome\":{\"type\":\"success\""u8) >= 0 ? Terminal.Success
                : frame.IndexOf("\"outcome\":{\"type\":\"cancelled\""u8) >= 0 ? Terminal.Cancelled
                : Terminal.OtherOutcome;
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }
}
