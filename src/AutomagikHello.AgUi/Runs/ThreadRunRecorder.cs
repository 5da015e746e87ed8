using System.Text;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// Records one run's end in the thread store, exactly once, before its terminal event is written: so a resume can
/// never outrun its interrupt, and the next run never finds the thread busy. Also remembers the tool calls the run
/// streamed, so a tool approval is stored with the call's own name and arguments (never the client's echo).
/// </summary>
internal sealed class ThreadRunRecorder(IThreadStore store, ThreadKey key, AgUiRun run, TimeProvider clock, ILogger logger)
{
    private Dictionary<string, (string Name, StringBuilder Arguments)>? _toolCalls;
    private string? _chunkToolCallId;
    private int _recorded;

    /// <summary>The run's thread store.</summary>
    public IThreadStore Store => store;

    /// <summary>The run's thread.</summary>
    public ThreadKey Key => key;

    /// <summary>The run's id.</summary>
    public string RunId => run.RunId;

    /// <summary>Where the run's store problems are logged.</summary>
    public ILogger Logger => logger;

    /// <summary>Whether the run's end was recorded (or its recording attempted).</summary>
    public bool HasRecorded => Volatile.Read(ref _recorded) != 0;

    /// <summary>
    /// Records nothing, now or later: the run lost its lease, so the thread may be another run's, and a lapsed lease with
    /// no recorded end is left for the next begin to judge.
    /// </summary>
    public void Forgo() => Volatile.Write(ref _recorded, 1);

    /// <summary>Notes tool-call events the stream accepted (start, args, chunks); ignores everything else.</summary>
    public void Observe(AgUiEvent agUiEvent)
    {
        switch (agUiEvent)
        {
            case ToolCallStartEvent start:
                Calls()[start.ToolCallId] = (start.ToolCallName, new StringBuilder());
                break;
            case ToolCallArgsEvent args when _toolCalls?.TryGetValue(args.ToolCallId, out var call) == true:
                call.Arguments.Append(args.Delta);
                break;
            case ToolCallChunkEvent chunk:
                if (chunk.ToolCallId is { } id && chunk.ToolCallName is { } name && !Calls().ContainsKey(id))
                {
                    Calls()[id] = (name, new StringBuilder());
                }

                _chunkToolCallId = chunk.ToolCallId ?? _chunkToolCallId;
                if (chunk.Delta is { } delta && _chunkToolCallId is { } current && _toolCalls!.TryGetValue(current, out var chunked))
                {
                    chunked.Arguments.Append(delta);
                }

                break;
        }
    }

    /// <summary>Records the end; returns the store's refusal (or unavailability) as an error, else <see langword="null"/>.</summary>
    public async ValueTask<ThreadStoreError?> RecordAsync(RunCompletion completion, IReadOnlyList<Interrupt>? interrupts)
    {
        if (Interlocked.Exchange(ref _recorded, 1) != 0)
        {
            return null;
        }

        try
        {
            var result = await store.CompleteRunAsync(
                new CompleteRunRequest
                {
                    Key = key,
                    RunId = run.RunId,
                    Completion = completion,
                    NewInterrupts = interrupts?.Select(ToPending).ToList(),
                    Now = clock.GetUtcNow(),
                },
                CancellationToken.None).ConfigureAwait(false);
            if (result.Error is { } error)
            {
                RunLog.RunEndNotRecorded(logger, key.ThreadId, run.RunId, error.Code, error.Message);
            }

            return result.Error;
        }
        catch (ThreadStoreUnavailableException ex)
        {
            RunLog.StoreUnavailable(logger, ex, key.ThreadId);
            return new ThreadStoreError(RunErrorCodes.StoreUnavailable, "The thread store is unavailable; the run's end was not recorded. Retry the run.");
        }
        catch (ArgumentException ex)
        {
            // The agent reused an interrupt id the thread already knows: an agent bug, reported like one.
            RunLog.RunEndNotRecorded(logger, key.ThreadId, run.RunId, RunErrorCodes.AgentError, ex.Message);
            return new ThreadStoreError(RunErrorCodes.AgentError, "The agent raised an interrupt whose id is already used on this thread.");
        }
    }

    private Dictionary<string, (string Name, StringBuilder Arguments)> Calls() => _toolCalls ??= new(StringComparer.Ordinal);

    private PendingInterrupt ToPending(Interrupt interrupt)
    {
        // Only calls this run streamed count: a call known only from the client's history is the client's word.
        string? name = null, arguments = null;
        if (interrupt.ToolCallId is { } callId && _toolCalls?.TryGetValue(callId, out var streamed) == true)
        {
            (name, arguments) = (streamed.Name, streamed.Arguments.ToString());
        }

        return new PendingInterrupt
        {
            Interrupt = interrupt,
            RaisedByRunId = run.RunId,
            ToolCallName = name,
            ToolCallArguments = arguments,
            RequiresApprover = run.RequiresApprover(interrupt.Id),
        };
    }
}
