namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>How a run's stream ended, as reported to telemetry.</summary>
internal enum RunEndKind
{
    /// <summary><c>RUN_FINISHED</c> with the success outcome.</summary>
    Success,

    /// <summary><c>RUN_FINISHED</c> with the interrupt outcome.</summary>
    Interrupt,

    /// <summary><c>RUN_FINISHED</c> with the cancelled outcome.</summary>
    Cancelled,

    /// <summary><c>RUN_ERROR</c>.</summary>
    Error,

    /// <summary>No terminal event: the client went away.</summary>
    Aborted,
}

/// <summary>The end of one run: its kind, the <c>RUN_ERROR</c> code and why it was stopped, if it was.</summary>
internal readonly record struct RunEnd(RunEndKind Kind, string? ErrorCode = null, RunStopReason StopReason = RunStopReason.None)
{
    /// <summary>The outcome as a telemetry tag value.</summary>
    public string OutcomeName => Kind switch
    {
        RunEndKind.Success => "success",
        RunEndKind.Interrupt => "interrupt",
        RunEndKind.Cancelled => "cancelled",
        RunEndKind.Error => "error",
        _ => "aborted",
    };
}
