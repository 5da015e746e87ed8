using System.Text.Json;
using AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using static AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure.RecordingChatClient;

namespace AutomagikHello.AgUi.Extensions.AI.Tests;

/// <summary>What the model is sent: every AG-UI role and content kind, context, state and frontend tools.</summary>
public sealed class InputMappingTests : IAsyncLifetime
{
    private InProcessHost _host = null!;

    public Task InitializeAsync()
    {
        _host = new InProcessHost();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.StopAsync();

    private static RunAgentInput Input(IReadOnlyList<Message> messages, string threadId = "t1") => new()
    {
        ThreadId = threadId,
        RunId = "r-" + Guid.NewGuid().ToString("N"),
        Messages = messages,
    };

    [Fact]
    public async Task Run_EveryRoleAndContentKind_ReachesTheModelInOrderWithToolCallsAndPairedResults()
    {
        var model = new RecordingChatClient(Text("ok"));
        var agent = new ChatClientAgUiAgent(model, new ChatClientAgUiAgentOptions { Instructions = "Be brief." });
        var png = Convert.ToBase64String([1, 2, 3]);
        Message[] history =
        [
            new SystemMessage { Id = "s1", Content = "system rule" },
            new DeveloperMessage { Id = "d1", Content = "developer rule" },
            new UserMessage
            {
                Id = "u1",
                Name = "alice",
                Content = MessageContent.FromParts(
                [
                    new TextPart { Text = "look" },
                    new ImagePart { Source = new DataSource { Value = png, MimeType = "image/png" } },
                    new ImagePart { Source = new UrlSource { Value = "https://example.com/cat.jpg" } },
                    new DocumentPart { Source = new FileSource { Value = "file-123", MimeType = "application/pdf" } },
                    new AudioPart { Source = new UrlSource { Value = "https://example.com/a.wav", MimeType = "audio/wav" } },
                ]),
            },
            new ReasoningMessage { Id = "rs1", Content = "thinking", EncryptedValue = "enc" },
            new AssistantMessage
            {
                Id = "a1",
                Content = "Checking.",
                ToolCalls = [new ToolCall { Id = "call_1", Function = new FunctionCall { Name = "lookup", Arguments = """{"q":"cats"}""" } }],
            },
            new ToolMessage { Id = "tm1", ToolCallId = "call_1", Content = "42 cats" },
            new ActivityMessage { Id = "act1", ActivityType = "progress", Content = JsonDocument.Parse("{}").RootElement },
            new UserMessage { Id = "u2", Content = "thanks" },
        ];

        var (end, _) = await _host.RunAsync(agent, Input(history));

        end.Kind.Should().Be(RunEndKind.Success);
        var sent = model.Requests.Single().Messages;
        sent.Select(m => m.Role).Should().Equal(
            ChatRole.System, ChatRole.System, ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.Assistant, ChatRole.Tool, ChatRole.User);
        sent[0].Text.Should().Be("Be brief.");
        sent[1].Text.Should().Be("system rule");
        sent[2].Text.Should().Be("developer rule");

        var user = sent[3];
        user.AuthorName.Should().Be("alice");
        user.Contents[0].Should().BeOfType<TextContent>().Which.Text.Should().Be("look");
        var data = user.Contents[1].Should().BeOfType<DataContent>().Subject;
        data.MediaType.Should().Be("image/png");
        data.Data.ToArray().Should().Equal(1, 2, 3);
        var url = user.Contents[2].Should().BeOfType<UriContent>().Subject;
        url.Uri.Should().Be(new Uri("https://example.com/cat.jpg"));
        url.MediaType.Should().Be("image/*");
        var file = user.Contents[3].Should().BeOfType<HostedFileContent>().Subject;
        file.FileId.Should().Be("file-123");
        file.MediaType.Should().Be("application/pdf");
        user.Contents[4].Should().BeOfType<UriContent>().Which.MediaType.Should().Be("audio/wav");

        var reasoning = sent[4].Contents.Single().Should().BeOfType<TextReasoningContent>().Subject;
        reasoning.Text.Should().Be("thinking");
        reasoning.ProtectedData.Should().Be("enc");

        var assistant = sent[5];
        assistant.Contents[0].Should().BeOfType<TextContent>().Which.Text.Should().Be("Checking.");
        var call = assistant.Contents[1].Should().BeOfType<FunctionCallContent>().Subject;
        call.CallId.Should().Be("call_1");
        call.Name.Should().Be("lookup");
        ((JsonElement)call.Arguments!["q"]!).GetString().Should().Be("cats");

        var result = sent[6].Contents.Single().Should().BeOfType<FunctionResultContent>().Subject;
        result.CallId.Should().Be("call_1", "a tool result is paired to its call by id");
        result.Result.Should().Be("42 cats");
        sent[7].Text.Should().Be("thanks");
        sent.Should().NotContain(m => m.Text.Contains("progress"), "activity messages are not conversation");
    }

    [Fact]
    public async Task Run_ContextAndState_ReachTheModelAsOneDocumentedSystemMessage()
    {
        var model = new RecordingChatClient(Text("ok"));
        var agent = new ChatClientAgUiAgent(model);
        var input = new RunAgentInput
        {
            ThreadId = "t1",
            RunId = "r1",
            Messages = [new UserMessage { Id = "u1", Content = "hi" }],
            Context = [new Context { Description = "User's city", Value = "Lisbon" }],
            State = JsonDocument.Parse("""{"cart":["apple"]}""").RootElement,
        };

        await _host.RunAsync(agent, input);

        var sent = model.Requests.Single().Messages;
        sent[0].Role.Should().Be(ChatRole.System);
        sent[0].Text.Should().Be("Context from the application:\n- User's city: Lisbon\nThe application's current state (JSON):\n{\"cart\":[\"apple\"]}");
        sent[1].Text.Should().Be("hi");
    }

    [Fact]
    public async Task Run_ContextAndStateSwitchedOffOrEmpty_NoContextMessage()
    {
        var model = new RecordingChatClient(Text("ok"), Text("ok"));
        var off = new ChatClientAgUiAgent(model, new ChatClientAgUiAgentOptions { SendContext = false, SendState = false });
        var on = new ChatClientAgUiAgent(model);
        RunAgentInput With(string thread, string state) => new()
        {
            ThreadId = thread,
            RunId = "r1",
            Messages = [new UserMessage { Id = "u1", Content = "hi" }],
            Context = thread == "t1" ? [new Context { Description = "d", Value = "v" }] : null,
            State = JsonDocument.Parse(state).RootElement,
        };

        await _host.RunAsync(off, With("t1", """{"a":1}"""));
        await _host.RunAsync(on, With("t2", "{}"));

        model.Requests.Should().AllSatisfy(r => r.Messages.Should().ContainSingle().Which.Role.Should().Be(ChatRole.User));
    }

    [Fact]
    public async Task Run_FrontendTools_AreDeclaredNotInvocable_AndCannotShadowAServerTool()
    {
        var model = new RecordingChatClient(Text("ok"));
        var server = AIFunctionFactory.Create((string to) => "sent", "sendEmail", "Sends an email.");
        var options = new ChatClientAgUiAgentOptions { ChatOptions = new ChatOptions { Temperature = 0.2f, ModelId = "m1" } };
        options.Tools.Add(server);
        var agent = new ChatClientAgUiAgent(model, options);
        var input = new RunAgentInput
        {
            ThreadId = "t1",
            RunId = "r1",
            Messages = [new UserMessage { Id = "u1", Content = "hi" }],
            Tools =
            [
                new Tool { Name = "pickColor", Description = "Lets the user pick a colour.", Parameters = JsonDocument.Parse("""{"type":"object","properties":{"hint":{"type":"string"}}}""").RootElement },
                new Tool { Name = "sendEmail", Description = "A client's tool with the server tool's name." },
            ],
        };

        await _host.RunAsync(agent, input);

        var sentOptions = model.Requests.Single().Options!;
        sentOptions.Temperature.Should().Be(0.2f);
        sentOptions.ModelId.Should().Be("m1");
        sentOptions.Tools!.Select(t => t.Name).Should().Equal("sendEmail", "pickColor");
        sentOptions.Tools![0].Should().BeSameAs(server);
        var declared = sentOptions.Tools![1].Should().BeAssignableTo<AIFunctionDeclaration>().Subject;
        declared.Should().NotBeAssignableTo<AIFunction>("the server cannot run a frontend tool");
        declared.Description.Should().Be("Lets the user pick a colour.");
        declared.JsonSchema.GetProperty("properties").GetProperty("hint").GetProperty("type").GetString().Should().Be("string");
        options.ChatOptions.Tools.Should().BeNull("each run works on a clone of the configured options");
    }

    [Fact]
    public async Task Run_AServerToolInBothChatOptionsAndTools_IsDeclaredOnce()
    {
        var model = new RecordingChatClient(Text("ok"));
        var lookup = AIFunctionFactory.Create((string city) => "sunny", "weather", "The weather.");
        var again = AIFunctionFactory.Create((string city) => "rain", "weather", "Another tool with the same name.");
        var other = AIFunctionFactory.Create(() => "12:00", "time", "The time.");
        var options = new ChatClientAgUiAgentOptions { ChatOptions = new ChatOptions { Tools = [lookup, other] } };
        options.Tools.Add(lookup);
        options.Tools.Add(again);
        var agent = new ChatClientAgUiAgent(model, options);

        await _host.RunAsync(agent, Input([new UserMessage { Id = "u1", Content = "hi" }]));

        // Providers refuse a request naming one tool twice (OpenAI: 400); the first declared is the one served.
        var tools = model.Requests.Single().Options!.Tools!;
        tools.Select(t => t.Name).Should().Equal("weather", "time");
        tools[0].Should().BeSameAs(lookup);
    }

    [Fact]
    public async Task Run_AssistantToolCallWithArgumentsThatAreNotAnObject_EndsWithInvalidHistoryAndNoModelCall()
    {
        var model = new RecordingChatClient(Text("ok"));
        var agent = new ChatClientAgUiAgent(model);
        var input = Input(
        [
            new UserMessage { Id = "u1", Content = "hi" },
            new AssistantMessage { Id = "a1", ToolCalls = [new ToolCall { Id = "c1", Function = new FunctionCall { Name = "f", Arguments = "[1,2" } }] },
        ]);

        var (end, events) = await _host.RunAsync(agent, input);

        end.Kind.Should().Be(RunEndKind.Error);
        var error = events.OfType<RunErrorEvent>().Single();
        error.Code.Should().Be(ChatClientErrorCodes.InvalidHistory);
        error.Message.Should().Contain("c1");
        model.Requests.Should().BeEmpty();
    }
}
