using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>What the event log's hosting logs (ids 60–69).</summary>
internal static partial class EventLogMessages
{
    [LoggerMessage(60, LogLevel.Information, "The client of run {RunId} on thread {ThreadId} disconnected; the run goes on into its event log.")]
    public static partial void RunOutlivesClient(ILogger logger, string threadId, string runId);

    [LoggerMessage(61, LogLevel.Warning, "Run {RunId} on thread {ThreadId} found a log with its id already there; this stream is not logged.")]
    public static partial void EventLogTaken(ILogger logger, string threadId, string runId);

    [LoggerMessage(62, LogLevel.Error, "The event log of run {RunId} on thread {ThreadId} failed; the live stream goes on and the log is finished with RUN_ERROR EVENT_LOG_FAILED.")]
    public static partial void EventLogFailed(ILogger logger, Exception exception, string threadId, string runId);

    [LoggerMessage(63, LogLevel.Warning, "The instance running run {RunId} on thread {ThreadId} is gone; a reader finished its event log with RUN_ERROR RUN_WRITER_GONE.")]
    public static partial void WriterGone(ILogger logger, string threadId, string runId);
}
