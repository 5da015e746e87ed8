namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// The end of one run: how it ended (<see cref="RunEndKind"/>, from which the terminal event, the store's completion
/// and the telemetry tags derive), the <c>RUN_ERROR</c> code and why it was stopped, if it was.
/// </summary>
/// <param name="Kind">How the run ended.</param>
/// <param name="ErrorCode">The <c>RUN_ERROR</c> code when it ended with one; otherwise <see langword="null"/>.</param>
/// <param name="StopReason">Why the run was stopped before its agent returned; <see cref="RunStopReason.None"/> when it was not.</param>
public readonly record struct RunEnd(RunEndKind Kind, string? ErrorCode = null, RunStopReason StopReason = RunStopReason.None);
