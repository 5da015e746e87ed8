using System.Text;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The JSON resume endpoint's sink: summarises the run as its events pass (nothing is framed or parsed back) into a
/// <see cref="RunSummary"/>: whether the run began, its terminal event, and the text of each message (streamed, or in
/// <c>TEXT_MESSAGE_CHUNK</c>s; ended or not, in the order they began), kept up to
/// <see cref="AgUiOptions.MaxSummaryTextBytes"/>. Past the limit the run goes on (stopping it would fail the run
/// half-way and leave its answers in doubt); the text so far stays and the summary says it was truncated.
/// </summary>
internal sealed class RunSummarySink(int maxTextBytes) : ILoggedRunReceiver
{
    /// <summary>What a message costs against the limit besides its text, so that empty messages are bounded too.</summary>
    internal const int MessageOverheadBytes = 16;

    private readonly Dictionary<string, StringBuilder> _open = new(StringComparer.Ordinal);
    private readonly List<StringBuilder> _messages = [];
    private StringBuilder? _lastChunked;
    private long _remaining = maxTextBytes;
    private bool _truncated;
    private AgUiEvent? _terminal;

    /// <summary>Whether the sink received anything (the pipeline may answer a problem itself instead: 401, 503).</summary>
    public bool ReceivedAny { get; private set; }

    /// <summary>Whether the run began (<c>RUN_STARTED</c> was written); a refused run opens with <c>RUN_ERROR</c>.</summary>
    public bool Started { get; private set; }

    public int Write(AgUiEvent agUiEvent)
    {
        ReceivedAny = true;
        switch (agUiEvent)
        {
            case TextMessageStartEvent start:
                Begin(start.MessageId);
                break;
            case TextMessageContentEvent content when _open.TryGetValue(content.MessageId, out var text):
                Append(text, content.Delta);
                break;
            case TextMessageEndEvent end:
                _open.Remove(end.MessageId);
                break;
            case TextMessageChunkEvent chunk:
                // A chunk with a new id begins a message (no end event ever comes); one without an id continues the last.
                _lastChunked = chunk.MessageId is { } id ? (_open.GetValueOrDefault(id) ?? Begin(id)) : _lastChunked;
                if (_lastChunked is { } chunked && !string.IsNullOrEmpty(chunk.Delta))
                {
                    Append(chunked, chunk.Delta);
                }

                break;
            case RunStartedEvent:
                Started = true;
                break;
            case RunFinishedEvent or RunErrorEvent:
                _terminal = agUiEvent;
                break;
        }

        return 0;
    }

    public int WriteLogged(AgUiEvent agUiEvent) => Write(agUiEvent);

    public int WriteHeartbeat() => 0;

    public ValueTask<bool> FlushAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    /// <summary>The summary is read from the events: their frames go nowhere.</summary>
    public ValueTask<bool> FlushLoggedAsync(ReadOnlyMemory<byte> frames, CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    public void Dispose()
    {
    }

    /// <summary>How the run ended, for <paramref name="input"/>.</summary>
    public RunSummary ToSummary(RunAgentInput input)
    {
        var truncated = _truncated
            ? new SummaryTruncation
            {
                Code = AgUiErrorCodes.SummaryTruncated,
                LimitBytes = maxTextBytes,
                Message = $"The run's text exceeded {maxTextBytes} bytes; 'messages' holds the first part. The run was not stopped: its outcome is whole. Resume with 'Accept: text/event-stream' to receive all of it.",
            }
            : null;
        return _terminal switch
        {
            RunFinishedEvent finished => new RunSummary
            {
                ThreadId = input.ThreadId,
                RunId = input.RunId,
                Outcome = (finished.Outcome?.Kind ?? RunEndKind.Success).ToWireName(),
                Interrupts = (finished.Outcome as InterruptOutcome)?.Interrupts,
                Result = finished.Result,
                Truncated = truncated,
                Messages = Texts(),
            },
            RunErrorEvent error => new RunSummary
            {
                ThreadId = input.ThreadId,
                RunId = input.RunId,
                Outcome = RunEndKind.Error.ToWireName(),
                ErrorCode = error.Code,
                ErrorMessage = error.Message,
                Truncated = truncated,
                Messages = Texts(),
            },
            _ => new RunSummary { ThreadId = input.ThreadId, RunId = input.RunId, Outcome = RunEndKind.Error.ToWireName(), ErrorCode = "ABORTED", ErrorMessage = "The run ended without a terminal event.", Truncated = truncated, Messages = Texts() },
        };
    }

    /// <summary>Opens message <paramref name="messageId"/>, if it fits; <see langword="null"/> otherwise.</summary>
    private StringBuilder? Begin(string messageId)
    {
        if (!Charge(MessageOverheadBytes))
        {
            return null;
        }

        var text = new StringBuilder();
        _open[messageId] = text;
        _messages.Add(text);
        return text;
    }

    private void Append(StringBuilder text, string delta)
    {
        if (Charge(Encoding.UTF8.GetByteCount(delta)))
        {
            text.Append(delta);
        }
    }

    private List<string> Texts() => _messages.ConvertAll(static text => text.ToString());

    /// <summary>Takes <paramref name="bytes"/> from what is left; once something does not fit, nothing more is kept.</summary>
    private bool Charge(int bytes)
    {
        if (_truncated || bytes > _remaining)
        {
            _truncated = true;
            return false;
        }

        _remaining -= bytes;
        return true;
    }
}
