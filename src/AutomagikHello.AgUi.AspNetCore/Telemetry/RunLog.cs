using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>The HTTP edge's log messages (source-generated); the run runtime's are in the core package.</summary>
internal static partial class RunLog
{
    [LoggerMessage(8, LogLevel.Information, "Run input warning {Code} at '{Path}': {Message}")]
    public static partial void InputWarning(ILogger logger, string code, string path, string message);

    [LoggerMessage(9, LogLevel.Information, "Run request rejected with {StatusCode} {Code}: {Detail}")]
    public static partial void RequestRejected(ILogger logger, int statusCode, string code, string detail);

    [LoggerMessage(11, LogLevel.Information, "Cancel requested for thread {ThreadId}: {Count} active run(s) stopped.")]
    public static partial void CancelRequested(ILogger logger, string threadId, int count);

    [LoggerMessage(12, LogLevel.Information, "Cancel requested for thread {ThreadId}: run {RunId} runs on another instance; the cancellation was published.")]
    public static partial void CancelPublished(ILogger logger, string threadId, string runId);

    [LoggerMessage(13, LogLevel.Information, "Cancellation received from the bus for run {RunId} of thread {ThreadId}: {Count} local run(s) stopped.")]
    public static partial void CancelReceived(ILogger logger, string threadId, string runId, int count);

    [LoggerMessage(14, LogLevel.Warning, "Could not subscribe to the run cancellation bus; retrying in {DelaySeconds} s.")]
    public static partial void CancelBusSubscribeFailed(ILogger logger, Exception exception, double delaySeconds);

    [LoggerMessage(21, LogLevel.Error, "The thread store is unavailable (thread {ThreadId}).")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception, string threadId);

    [LoggerMessage(42, LogLevel.Warning, "Cancel for thread {ThreadId}: run {RunId} of instance {InstanceId} did not answer; its owner is taken as gone and its lease was ended.")]
    public static partial void CancelReleasedLease(ILogger logger, string threadId, string runId, string instanceId);

    [LoggerMessage(25, LogLevel.Error, "AgUiOptions.ApproverPolicy names '{Policy}', which the authorization service cannot evaluate; nobody is treated as an approver.")]
    public static partial void ApproverPolicyUnusable(ILogger logger, Exception exception, string policy);
}
