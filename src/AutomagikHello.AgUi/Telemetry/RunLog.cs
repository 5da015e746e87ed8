using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.Runs;

/// <summary>The run runtime's log messages (source-generated); the ASP.NET Core edge has its own.</summary>
internal static partial class RunLog
{
    [LoggerMessage(1, LogLevel.Debug, "Run {RunId} on thread {ThreadId} started.")]
    public static partial void RunStarted(ILogger logger, string threadId, string runId);

    [LoggerMessage(2, LogLevel.Debug, "Run {RunId} on thread {ThreadId} ended: {Outcome}.")]
    public static partial void RunEnded(ILogger logger, string threadId, string runId, string outcome);

    [LoggerMessage(3, LogLevel.Error, "Agent failed in run {RunId} on thread {ThreadId}; the client gets RUN_ERROR AGENT_ERROR.")]
    public static partial void AgentFailed(ILogger logger, Exception exception, string threadId, string runId);

    [LoggerMessage(4, LogLevel.Warning, "Agent broke event-ordering rule {Rule} in run {RunId} on thread {ThreadId}: {Violation}. The client gets RUN_ERROR PROTOCOL_VIOLATION.")]
    public static partial void ProtocolViolation(ILogger logger, int rule, string threadId, string runId, string violation);

    [LoggerMessage(5, LogLevel.Warning, "Agent tried to emit {EventType} in run {RunId} on thread {ThreadId}; the library writes the run's lifecycle events. The client gets RUN_ERROR PROTOCOL_VIOLATION.")]
    public static partial void LifecycleEventRejected(ILogger logger, string eventType, string threadId, string runId);

    [LoggerMessage(6, LogLevel.Information, "Run {RunId} on thread {ThreadId} stopped ({Reason}); it ends with the cancelled outcome.")]
    public static partial void RunStopped(ILogger logger, string threadId, string runId, string reason);

    [LoggerMessage(7, LogLevel.Debug, "Client left run {RunId} on thread {ThreadId}; the agent's token is cancelled.")]
    public static partial void ClientDisconnected(ILogger logger, string threadId, string runId);

    [LoggerMessage(10, LogLevel.Debug, "Agent threw after run {RunId} on thread {ThreadId} was stopped; ignored.")]
    public static partial void AgentFailedAfterStop(ILogger logger, Exception exception, string threadId, string runId);

    [LoggerMessage(20, LogLevel.Warning, "The end of run {RunId} on thread {ThreadId} was not recorded: {Code} {Message}")]
    public static partial void RunEndNotRecorded(ILogger logger, string threadId, string runId, string code, string message);

    [LoggerMessage(21, LogLevel.Error, "The thread store is unavailable (thread {ThreadId}).")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception, string threadId);

    [LoggerMessage(22, LogLevel.Information, "Run {RunId} on thread {ThreadId} refused by the thread store: {Code} {Message}")]
    public static partial void RunRefused(ILogger logger, string threadId, string runId, string code, string message);

    [LoggerMessage(23, LogLevel.Warning, "Resume on thread {ThreadId}: {Warning}")]
    public static partial void ResumeWarning(ILogger logger, string threadId, string warning);

    [LoggerMessage(24, LogLevel.Warning, "Agent ended run {RunId} on thread {ThreadId} with RUN_ERROR {Code}: {Message}")]
    public static partial void AgentReportedError(ILogger logger, Exception? exception, string threadId, string runId, string code, string message);

    [LoggerMessage(40, LogLevel.Warning, "Could not renew the lease of run {RunId} on thread {ThreadId}; it lapses in {SecondsLeft:F1} s unless a renewal succeeds.")]
    public static partial void LeaseRenewalFailed(ILogger logger, Exception exception, string threadId, string runId, double secondsLeft);

    [LoggerMessage(41, LogLevel.Warning, "Run {RunId} on thread {ThreadId} lost its lease ({Reason}); it is stopped with RUN_ERROR and records nothing.")]
    public static partial void LeaseLost(ILogger logger, string threadId, string runId, string reason);

    [LoggerMessage(26, LogLevel.Error, "Agent raised interrupt {InterruptId} in run {RunId} on thread {ThreadId} with an unusable responseSchema: {Problem}. The client gets RUN_ERROR INVALID_INTERRUPT_SCHEMA.")]
    public static partial void InvalidInterruptSchema(ILogger logger, string threadId, string runId, string interruptId, string problem);
}
