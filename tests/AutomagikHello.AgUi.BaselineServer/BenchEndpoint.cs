using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace AutomagikHello.AgUi.BaselineServer;

/// <summary>
/// Writes, byte for byte, what the demo's <c>bench</c> agent streams (but for the random message id, fixed here):
/// <c>RUN_STARTED</c>, a wait of <c>holdMs</c>, <c>TEXT_MESSAGE_START</c>, <c>deltas</c> × <c>TEXT_MESSAGE_CONTENT</c>
/// of 8 characters, <c>TEXT_MESSAGE_END</c>, <c>RUN_FINISHED</c>; one flush per event, straight into Kestrel's
/// <see cref="PipeWriter"/>. Only the two frames that carry the request's ids are built per run. The whole body is read
/// and tokenized (as the library's reader must), so a larger input costs both servers.
/// </summary>
internal static class BenchEndpoint
{
    private const string MessageId = "5f0c8a4e9d2b4c7e8a1f3b6d0e9c2a71"; // 32 hex digits, like AgUiRun.NewId()

    private static readonly byte[] StartFrame = Frame($"{{\"type\":\"TEXT_MESSAGE_START\",\"messageId\":\"{MessageId}\",\"role\":\"assistant\"}}");
    private static readonly byte[] ContentFrame = Frame($"{{\"type\":\"TEXT_MESSAGE_CONTENT\",\"messageId\":\"{MessageId}\",\"delta\":\"abcdefgh\"}}");
    private static readonly byte[] EndFrame = Frame($"{{\"type\":\"TEXT_MESSAGE_END\",\"messageId\":\"{MessageId}\"}}");

    public static async Task RunAsync(HttpContext context, ConcurrentDictionary<string, CancellationTokenSource> holding)
    {
        var request = await ReadRequestAsync(context.Request.BodyReader, context.RequestAborted);
        if (request is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var (threadId, runId, deltas, holdMs) = request.Value;
        var ids = $"\"threadId\":\"{Escape(threadId)}\",\"runId\":\"{Escape(runId)}\"";
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        response.Headers.ContentEncoding = "identity";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var output = response.BodyWriter;
        var started = Frame($"{{\"type\":\"RUN_STARTED\",{ids},\"protocolVersion\":\"1.0\"}}");
        if (holdMs > 0)
        {
            // Registered before RUN_STARTED goes out, so a cancel sent on seeing it finds the run.
            using var hold = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            holding[threadId] = hold;
            try
            {
                if (!await SendAsync(output, started, context.RequestAborted))
                {
                    return;
                }

                await Task.Delay(holdMs, hold.Token);
            }
            catch (OperationCanceledException)
            {
                if (!context.RequestAborted.IsCancellationRequested)
                {
                    await SendAsync(output, Frame($"{{\"type\":\"RUN_FINISHED\",{ids},\"outcome\":{{\"type\":\"cancelled\"}}}}"), context.RequestAborted);
                }

                return;
            }
            finally
            {
                holding.TryRemove(new KeyValuePair<string, CancellationTokenSource>(threadId, hold));
            }
        }
        else if (!await SendAsync(output, started, context.RequestAborted))
        {
            return;
        }

        if (!await SendAsync(output, StartFrame, context.RequestAborted))
        {
            return;
        }

        for (var i = 0; i < deltas; i++)
        {
            // The fast path of SendAsync without its state machine: while the socket keeps up, a flush completes at once.
            output.Write(ContentFrame);
            var flush = output.FlushAsync(context.RequestAborted);
            if (flush.IsCompletedSuccessfully ? !Sent(flush.Result) : !await SentAsync(flush))
            {
                return;
            }
        }

        if (await SendAsync(output, EndFrame, context.RequestAborted))
        {
            await SendAsync(output, Frame($"{{\"type\":\"RUN_FINISHED\",{ids},\"outcome\":{{\"type\":\"success\"}}}}"), context.RequestAborted);
        }
    }

    public static async Task CancelAsync(HttpContext context, string threadId, ConcurrentDictionary<string, CancellationTokenSource> holding)
    {
        if (!holding.TryRemove(threadId, out var hold))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        try
        {
            await hold.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The run ended meanwhile.
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync($"{{\"threadId\":\"{Escape(threadId)}\"}}", context.RequestAborted);
    }

    /// <summary>Writes one frame and flushes it; false when the client is gone.</summary>
    private static async ValueTask<bool> SendAsync(PipeWriter output, ReadOnlyMemory<byte> frame, CancellationToken aborted)
    {
        try
        {
            return Sent(await output.WriteAsync(frame, aborted));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return false;
        }
    }

    private static async ValueTask<bool> SentAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            return Sent(await flush);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return false;
        }
    }

    private static bool Sent(FlushResult result) => !result.IsCompleted && !result.IsCanceled;

    private static byte[] Frame(string json) => Encoding.UTF8.GetBytes($"data: {json}\n\n");

    private static string Escape(string value) => JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();

    /// <summary>Reads threadId, runId, forwardedProps.deltas (default 100) and forwardedProps.holdMs (default 0).</summary>
    private static async Task<(string ThreadId, string RunId, int Deltas, int HoldMs)?> ReadRequestAsync(PipeReader body, CancellationToken aborted)
    {
        while (true)
        {
            var read = await body.ReadAsync(aborted);
            if (read.IsCompleted || read.IsCanceled)
            {
                try
                {
                    return Parse(read.Buffer);
                }
                finally
                {
                    body.AdvanceTo(read.Buffer.End);
                }
            }

            if (read.Buffer.Length > 1024 * 1024)
            {
                body.AdvanceTo(read.Buffer.End);
                return null;
            }

            body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static (string ThreadId, string RunId, int Deltas, int HoldMs)? Parse(ReadOnlySequence<byte> body)
    {
        string? threadId = null, runId = null;
        int deltas = 100, holdMs = 0;
        var inForwardedProps = false;
        var json = new Utf8JsonReader(body);
        try
        {
            while (json.Read())
            {
                if (json.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                if (json.CurrentDepth == 1)
                {
                    inForwardedProps = json.ValueTextEquals("forwardedProps"u8);
                    if (json.ValueTextEquals("threadId"u8) && json.Read() && json.TokenType == JsonTokenType.String)
                    {
                        threadId = json.GetString();
                    }
                    else if (json.ValueTextEquals("runId"u8) && json.Read() && json.TokenType == JsonTokenType.String)
                    {
                        runId = json.GetString();
                    }
                }
                else if (json.CurrentDepth == 2 && inForwardedProps)
                {
                    if (json.ValueTextEquals("deltas"u8) && json.Read() && json.TokenType == JsonTokenType.Number && json.TryGetInt32(out var d) && d >= 0)
                    {
                        deltas = d;
                    }
                    else if (json.ValueTextEquals("holdMs"u8) && json.Read() && json.TokenType == JsonTokenType.Number && json.TryGetInt32(out var h) && h >= 0)
                    {
                        holdMs = h;
                    }
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return threadId is null || runId is null ? null : (threadId, runId, deltas, holdMs);
    }
}
