using System.Globalization;
using System.Text.Json;
using AutomagikHello.AgUi.Threads;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The integrator endpoints of one agent's threads: the thread view, an out-of-band decision, and a resume that
/// answers JSON. Threads are scoped by owner: another owner's thread is simply not found (404, never 403).
/// </summary>
internal sealed class ThreadEndpoints(MappedAgent mapped, AgUiEndpointServices services)
{
    private ILogger Logger => field ??= services.Loggers.CreateLogger<ThreadEndpoints>();

    public const string ThreadIdRouteValue = "threadId";
    public const string InterruptIdRouteValue = "interruptId";

    /// <summary><c>GET {agent}/threads/{threadId}</c>.</summary>
    public async Task GetAsync(HttpContext context)
    {
        if (await ResolveKeyAsync(context).ConfigureAwait(false) is not { } key)
        {
            return;
        }

        ThreadRecord? record;
        try
        {
            record = await services.Store.GetAsync(key, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ThreadStoreUnavailableException)
        {
            await StoreUnavailable(context).ConfigureAwait(false);
            return;
        }

        if (record is null)
        {
            await NotFound(context, key.ThreadId).ConfigureAwait(false);
            return;
        }

        var etag = ETag(record);
        context.Response.Headers.ETag = etag;
        if (IsNotModified(context.Request, etag))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        await WriteViewAsync(context, record).ConfigureAwait(false);
    }

    /// <summary><c>POST {agent}/threads/{threadId}/interrupts/{interruptId}</c>.</summary>
    public async Task DecideAsync(HttpContext context)
    {
        if (await ResolveKeyAsync(context).ConfigureAwait(false) is not { } key)
        {
            return;
        }

        var interruptId = context.Request.RouteValues[InterruptIdRouteValue] as string ?? string.Empty;
        var (decision, problem) = await services.Reader.ReadDecisionAsync(context, interruptId).ConfigureAwait(false);
        if (problem is not null)
        {
            await problem.WriteAsync(context).ConfigureAwait(false);
            return;
        }

        var clock = services.Clock;
        ThreadStoreWriteResult result;
        try
        {
            result = await services.Store.RecordDecisionAsync(
                new RecordDecisionRequest
                {
                    Key = key,
                    Entry = decision!.Entry!,
                    DecidedBy = services.Owners.Resolve(context),
                    ByApprover = await IsApproverAsync(context).ConfigureAwait(false),
                    Reapprove = decision.Reapprove,
                    Now = clock.GetUtcNow(),
                },
                context.RequestAborted).ConfigureAwait(false);
        }
        catch (ThreadStoreUnavailableException)
        {
            await StoreUnavailable(context).ConfigureAwait(false);
            return;
        }

        if (result.Error is { } error)
        {
            await ProblemFor(error).WriteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.Headers.ETag = ETag(result.Record!);
        await WriteViewAsync(context, result.Record!).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST {agent}/threads/{threadId}/resume</c>: the body of a run input without <c>threadId</c> (<c>runId</c>
    /// optional). With <c>Accept: text/event-stream</c> it streams like the run endpoint; otherwise it runs to the end
    /// and answers a JSON <see cref="RunSummary"/>.
    /// </summary>
    public async Task ResumeAsync(HttpContext context)
    {
        var threadId = context.Request.RouteValues[ThreadIdRouteValue] as string ?? string.Empty;
        var pipeline = services.Pipeline;
        var requestTimestamp = pipeline.Clock.GetTimestamp();
        var reader = services.Reader;
        var streaming = RunRequestReader.AsksForEventStream(context.Request);

        // A client that leaves while sending is answered by nobody (ClientDisconnect.Quiet, where this is mapped).
        var request = await reader.ReadAsync(context, requireEventStream: false, routeThreadId: threadId).ConfigureAwait(false);

        if (request.Problem is { } problem)
        {
            await problem.WriteAsync(context).ConfigureAwait(false);
            return;
        }

        var input = request.Input!;
        if (input.ThreadId != threadId)
        {
            await reader.Refuse(AgUiErrorCodes.MalformedRequest,
                "The body's threadId differs from the thread in the path; omit it.", "/threadId").WriteAsync(context).ConfigureAwait(false);
            return;
        }

        if (streaming)
        {
            await pipeline.ExecuteAsync(context, mapped.Agent, mapped.Name, input, requestTimestamp, logged: mapped.EventLog).ConfigureAwait(false);
            return;
        }

        var sink = new RunSummarySink(services.Options.MaxSummaryTextBytes);
        await pipeline.ExecuteAsync(context, mapped.Agent, mapped.Name, input, requestTimestamp, sink, mapped.EventLog).ConfigureAwait(false);
        if (context.Response.HasStarted || context.Response.StatusCode != StatusCodes.Status200OK || !sink.ReceivedAny)
        {
            return; // the pipeline answered a problem itself (401, 503)
        }

        var summary = sink.ToSummary(input);
        if (!sink.Started && summary.ErrorCode is { } refusal)
        {
            // Refused before the run began (validation, busy thread): nothing ran, so this is a REST error, not a run summary.
            await ResumeProblemFor(new ThreadStoreError(refusal, summary.ErrorMessage ?? refusal)).WriteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        await JsonSerializer.SerializeAsync(context.Response.Body, summary, AgUiHostingJsonContext.Responses.RunSummary, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A store refusal as its REST answer (status from <see cref="AgUiErrorTable"/>).</summary>
    internal static AgUiProblem ProblemFor(ThreadStoreError error) => new(error.Code, error.Message);

    /// <summary>A resume refused by the store as its REST answer (<see cref="AgUiErrorTable.StatusOfResume"/>).</summary>
    internal static AgUiProblem ResumeProblemFor(ThreadStoreError error) => new(error.Code, error.Message, status: AgUiErrorTable.StatusOfResume(error.Code));

    /// <summary>
    /// The thread key of the request: the caller's own threads, or — with <c>?owner=</c> and when the caller satisfies
    /// <see cref="AgUiOptions.ApproverPolicy"/> — another owner's. Writes the problem and returns <see langword="null"/>
    /// when there is none to use.
    /// </summary>
    internal async Task<ThreadKey?> ResolveKeyAsync(HttpContext context)
    {
        var threadId = context.Request.RouteValues[ThreadIdRouteValue] as string ?? string.Empty;
        if (services.Owners.Resolve(context) is not { } owner)
        {
            await new AgUiProblem(AgUiErrorCodes.AuthenticationRequired, "Threads on this server require an authenticated caller.")
                .WriteAsync(context).ConfigureAwait(false);
            return null;
        }

        if (context.Request.Query["owner"] is { Count: 1 } requested && requested[0] is { Length: > 0 } other && other != owner)
        {
            if (!await IsApproverAsync(context).ConfigureAwait(false))
            {
                // Not an approver: indistinguishable from a thread that does not exist.
                await NotFound(context, threadId).ConfigureAwait(false);
                return null;
            }

            return new ThreadKey(mapped.Name, other, threadId);
        }

        return new ThreadKey(mapped.Name, owner, threadId);
    }

    /// <summary>Whether the caller satisfies <see cref="AgUiOptions.ApproverPolicy"/> (never, when none is set).</summary>
    private async Task<bool> IsApproverAsync(HttpContext context)
    {
        var policy = services.Options.ApproverPolicy;
        var authorization = context.RequestServices.GetService<IAuthorizationService>(); // per request: its handlers may be scoped
        if (policy is null || authorization is null)
        {
            return false;
        }

        try
        {
            return (await authorization.AuthorizeAsync(context.User, policy).ConfigureAwait(false)).Succeeded;
        }
        catch (InvalidOperationException ex)
        {
            // A policy name nobody registered is the host's mistake, not the caller's: fail closed, no 500.
            RunLog.ApproverPolicyUnusable(Logger, ex, policy);
            return false;
        }
    }

    private static Task NotFound(HttpContext context, string threadId) =>
        new AgUiProblem(ThreadErrorCodes.ThreadNotFound, $"Thread '{threadId}' was not found.").WriteAsync(context);

    private static Task StoreUnavailable(HttpContext context) => AgUiProblem.StoreUnavailable.WriteAsync(context);

    /// <summary>
    /// Whether <c>If-None-Match</c> matches <paramref name="etag"/>: a list of tags, weak comparison, or <c>*</c>
    /// (RFC 9110 §13.1.2). An unparsable header is ignored, as the RFC allows.
    /// </summary>
    private static bool IsNotModified(HttpRequest request, string etag)
    {
        if (request.Headers.IfNoneMatch.Count == 0
            || !EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var tags))
        {
            return false;
        }

        var current = new EntityTagHeaderValue(etag);
        foreach (var tag in tags)
        {
            if (tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false))
            {
                return true;
            }
        }

        return false;
    }

    private static string ETag(ThreadRecord record) => "\"" + record.Version.ToString(CultureInfo.InvariantCulture) + "\"";

    private async Task WriteViewAsync(HttpContext context, ThreadRecord record)
    {
        var now = services.Clock.GetUtcNow();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "no-cache";
        await JsonSerializer.SerializeAsync(context.Response.Body, ThreadView.From(record, now), AgUiHostingJsonContext.Responses.ThreadView, context.RequestAborted).ConfigureAwait(false);
    }
}
