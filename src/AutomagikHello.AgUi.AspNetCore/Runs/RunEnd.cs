namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The end of one run: how it ended (<see cref="RunEndKind"/>, from which the terminal event, the store's completion
/// and the telemetry tags derive), the <c>RUN_ERROR</c> code and why it was stopped, if it was.
/// </summary>
internal readonly record struct RunEnd(RunEndKind Kind, string? ErrorCode = null, RunStopReason StopReason = RunStopReason.None);
