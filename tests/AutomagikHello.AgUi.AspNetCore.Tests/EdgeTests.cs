using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>What happens before a stream opens: media types, size, input validation, methods.</summary>
public sealed class EdgeTests : IAsyncLifetime
{
    private const string Path = "/agents/test";
    private const int Limit = 4096;
    private TestHost _host = null!;
    private int _runs;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(
        (_, _) =>
        {
            Interlocked.Increment(ref _runs);
            return ValueTask.FromResult(AgentOutcome.Success());
        },
        options =>
        {
            options.MaxRequestBodyBytes = Limit;
            options.MaxMessages = 3;
        });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonObject Problem)> SendAsync(HttpRequestMessage request)
    {
        using var response = await _host.Client.SendAsync(request);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", "refusals before the stream are problem details");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        ((int?)problem["status"]).Should().Be((int)response.StatusCode);
        ((string?)problem["title"]).Should().NotBeNullOrEmpty();
        return (response.StatusCode, problem);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/html, application/xhtml+xml")]
    [InlineData("text/event-stream;q=0, */*")]
    [InlineData("text/*;q=0")]
    [InlineData("text/event-stream;q=0, text/*, */*")]
    [InlineData("text/event-stream;q=0")] // starts like the value recognised without parsing, and is a refusal
    public async Task Run_AcceptExcludesEventStream_Returns406ProblemWithCode(string accept)
    {
        var (status, problem) = await SendAsync(Sse.RunRequest(Path, RunInputs.Json(), accept: accept));

        status.Should().Be(HttpStatusCode.NotAcceptable);
        ((string?)problem["code"]).Should().Be("NOT_ACCEPTABLE");
        _runs.Should().Be(0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/event-stream")]
    [InlineData("TEXT/Event-Stream")]
    [InlineData("*/*")]
    [InlineData("text/*")]
    [InlineData("application/json, text/event-stream;q=0.5")]
    [InlineData("text/*;q=0, text/event-stream")]
    public async Task Run_AcceptAdmitsEventStream_Streams(string? accept)
    {
        using var request = Sse.RunRequest(Path, RunInputs.Json(), accept: accept);
        using var response = await _host.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=\"iso-8859-1\"")]
    [InlineData("application/jsonx")]
    [InlineData("application/json; charset=utf-16")] // starts like a value recognised without parsing
    [InlineData(null)]
    public async Task Run_NonJsonContentType_Returns415ProblemWithCode(string? contentType)
    {
        var (status, problem) = await SendAsync(Sse.RunRequest(Path, RunInputs.Json(), contentType: contentType));

        status.Should().Be(HttpStatusCode.UnsupportedMediaType);
        ((string?)problem["code"]).Should().Be("UNSUPPORTED_MEDIA_TYPE");
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json;charset=\"UTF-8\"")]
    [InlineData("Application/JSON")]
    [InlineData("APPLICATION/JSON; CHARSET=UTF-8")]
    public async Task Run_JsonContentTypeVariants_Stream(string contentType)
    {
        using var request = Sse.RunRequest(Path, RunInputs.Json(), contentType: contentType);
        using var response = await _host.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Run_ContentLengthOverTheLimit_Returns413BeforeReading()
    {
        var body = RunInputs.Json(text: new string('a', Limit));

        var (status, problem) = await SendAsync(Sse.RunRequest(Path, body));

        status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        ((string?)problem["code"]).Should().Be("INPUT_TOO_LARGE");
    }

    [Fact]
    public async Task Run_ChunkedBodyOverTheLimit_Returns413WhileReading()
    {
        var body = Encoding.UTF8.GetBytes(RunInputs.Json(text: new string('a', Limit * 4)));
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StreamContent(new UnknownLengthStream(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;

        var (status, problem) = await SendAsync(request);

        status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        ((string?)problem["code"]).Should().Be("INPUT_TOO_LARGE");
    }

    [Fact]
    public async Task Run_ChunkedBodyUnderTheLimit_Streams()
    {
        var body = Encoding.UTF8.GetBytes(RunInputs.Json());
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StreamContent(new UnknownLengthStream(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await _host.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Sse.ReadAllAsync(response)).Types().Should().Equal("RUN_STARTED", "RUN_FINISHED");
    }

    [Theory]
    [InlineData("{", "MALFORMED_JSON", "")]
    [InlineData("", "MALFORMED_JSON", "")]
    [InlineData("""{"runId":"r1","messages":[]}""", "MISSING_PROPERTY", "")]
    [InlineData("""{"threadId":"t","runId":"r1"}""", "MISSING_PROPERTY", "")]
    [InlineData("""{"threadId":"t","runId":"r1","messages":[{"id":"m1","content":"x"}]}""", "MISSING_PROPERTY", "/messages/0")]
    [InlineData("""{"threadId":7,"runId":"r1","messages":[]}""", "WRONG_TYPE", "/threadId")]
    [InlineData("""{"threadId":"","runId":"r1","messages":[]}""", "INVALID_VALUE", "/threadId")]
    [InlineData("""{"threadId":"t","runId":"","messages":[]}""", "INVALID_VALUE", "/runId")]
    [InlineData("""{"threadId":"t","runId":"r1","messages":[],"state":{"a":[{"b":1,"b":2}]}}""", "DUPLICATE_PROPERTY", "/state/a/0/b")]
    [InlineData("""{"threadId":"t","runId":"r1","messages":[{"id":"m1","role":"user","content":"x","metadata":{"k":1,"K":2}}]}""", "DUPLICATE_PROPERTY", "/messages/0/metadata/K")]
    [InlineData("""{"threadId":"t","RunId":"r1","messages":[]}""", "CASE_VARIANT_PROPERTY", "/RunId")]
    [InlineData("""{"threadId":"t","runId":"r1","messages":[{"id":"m1","role":"user","content":5}]}""", "WRONG_TYPE", "/messages/0/content")]
    [InlineData("""{"threadId":"t","runId":"r1","messages":[{"id":"m1","role":"robot","content":"x"}]}""", "INVALID_VALUE", "/messages/0/role")]
    public async Task Run_InvalidInput_Returns400WithTheReadersCodeAndJsonPointer(string body, string code, string path)
    {
        var (status, problem) = await SendAsync(Sse.RunRequest(Path, body));

        status.Should().Be(HttpStatusCode.BadRequest);
        ((string?)problem["code"]).Should().Be(code);
        ((string?)problem["path"]).Should().Be(path);
        ((string?)problem["detail"]).Should().NotBeNullOrEmpty();
        _runs.Should().Be(0, "no run starts for invalid input");
    }

    [Fact]
    public async Task Run_TooManyMessages_Returns400()
    {
        var body = RunInputs.Json(amend: input => input["messages"] = new JsonArray(
            Enumerable.Range(0, 4).Select(i => (JsonNode)new JsonObject { ["id"] = "m" + i, ["role"] = "user", ["content"] = "x" }).ToArray()));

        var (status, problem) = await SendAsync(Sse.RunRequest(Path, body));

        status.Should().Be(HttpStatusCode.BadRequest);
        ((string?)problem["code"]).Should().Be("TOO_MANY_MESSAGES");
    }

    [Fact]
    public async Task Run_DeeplyNestedJson_Returns400TooDeep()
    {
        var depth = 200;
        var body = """{"threadId":"t","runId":"r","messages":[],"state":""" + new string('[', depth) + new string(']', depth) + "}";

        var (status, problem) = await SendAsync(Sse.RunRequest(Path, body));

        status.Should().Be(HttpStatusCode.BadRequest);
        ((string?)problem["code"]).Should().Be("INPUT_TOO_DEEP");
    }

    public static TheoryData<string, byte[]> GarbageBodies() => new()
    {
        { "random bytes", Enumerable.Range(0, 512).Select(i => (byte)((i * 7919) % 256)).ToArray() },
        { "invalid UTF-8", [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D] },
        { "null", "null"u8.ToArray() },
        { "array", "[]"u8.ToArray() },
        { "empty object", "{}"u8.ToArray() },
        { "string", "\"hello\""u8.ToArray() },
        { "number", "1e999999"u8.ToArray() },
        { "nested objects", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 3000)) + "1" + new string('}', 3000)) },
        { "duplicate property", """{"threadId":"t","threadId":"u","runId":"r","messages":[]}"""u8.ToArray() },
        { "NUL byte", "{\"threadId\":\"t\0\"}"u8.ToArray() },
        { "BOM only", [0xEF, 0xBB, 0xBF] },
        { "messages not an array", """{"threadId":"t","runId":"r","messages":{"0":1}}"""u8.ToArray() },
        { "resume garbage", """{"threadId":"t","runId":"r","messages":[],"resume":[{"interruptId":5}]}"""u8.ToArray() },
        { "huge number id", """{"threadId":"t","runId":"r","messages":[{"id":123456789012345678901234567890,"role":"user","content":"x"}]}"""u8.ToArray() },
        { "trailing garbage", Encoding.UTF8.GetBytes(RunInputs.Json() + "xyz") },
    };

    [Theory]
    [MemberData(nameof(GarbageBodies))]
    public async Task Run_GarbageBody_IsA4xxProblemNeverA500(string what, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var (status, problem) = await SendAsync(request);

        ((int)status).Should().BeInRange(400, 499, what);
        ((string?)problem["code"]).Should().NotBeNullOrEmpty(what);
    }

    [Theory]
    [InlineData("GET", Path)]
    [InlineData("PUT", Path)]
    [InlineData("DELETE", Path)]
    [InlineData("PATCH", Path)]
    [InlineData("GET", Path + "/threads/t1/cancel")]
    [InlineData("DELETE", Path + "/threads/t1/cancel")]
    [InlineData("POST", Path + "/capabilities")]
    [InlineData("PUT", Path + "/capabilities")]
    public async Task Endpoints_WrongMethod_Returns405NotAServerError(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") };

        using var response = await _host.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
    }

    [Theory]
    [InlineData("/agents/test/threads//cancel")]
    [InlineData("/agents/test/threads/a/b/cancel")]
    [InlineData("/agents/test/nothing")]
    public async Task Endpoints_UnknownPaths_Return404(string path)
    {
        using var response = await _host.Client.PostAsync(path, new StringContent("{}"));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    /// <summary>A stream whose length is unknown, so the client sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
