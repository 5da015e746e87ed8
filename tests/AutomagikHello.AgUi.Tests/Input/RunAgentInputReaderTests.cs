using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.Input;
using AutomagikHello.AgUi.Serialization;

namespace AutomagikHello.AgUi.Tests.Input;

public sealed class RunAgentInputReaderTests
{
    private static RunAgentInputReadResult Read(string json, RunAgentInputReaderOptions? options = null) =>
        new RunAgentInputReader(options).Read(Encoding.UTF8.GetBytes(json));

    private static JsonNode Write(RunAgentInput input) =>
        JsonNode.Parse(JsonSerializer.Serialize(input, AgUiJsonContext.Default.RunAgentInput))!;

    [Fact]
    public void Read_MinimalInput_Succeeds()
    {
        var result = Read("""{"threadId":"t1","runId":"r1","messages":[]}""");

        result.Succeeded.Should().BeTrue();
        result.Input!.ThreadId.Should().Be("t1");
        result.Input.RunId.Should().Be("r1");
        result.Input.Messages.Should().BeEmpty();
        result.Input.Tools.Should().BeNull();
        result.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Read_EveryRoleAndPart_BuildsTypedMessages()
    {
        var result = Read("""
            {"threadId":"t","runId":"r","messages":[
              {"id":"1","role":"developer","content":"be brief"},
              {"id":"2","role":"system","content":"sys","name":"s"},
              {"id":"3","role":"user","content":[{"type":"text","text":"hi"},{"type":"image","source":{"type":"url","value":"https://x/a.png"}},
                 {"type":"document","source":{"type":"file","value":"file-1","provider":"openai"}},{"type":"audio","source":{"type":"data","value":"aGk=","mimeType":"audio/wav"}}]},
              {"id":"4","role":"assistant","toolCalls":[{"id":"c1","type":"function","function":{"name":"search","arguments":"{}"}}]},
              {"id":"5","role":"tool","toolCallId":"c1","content":"ok","error":"partial"},
              {"id":"6","role":"activity","activityType":"search","content":{"hits":3}},
              {"id":"7","role":"reasoning","content":"hmm"}]}
            """);

        result.Succeeded.Should().BeTrue(result.Error?.ToString());
        var messages = result.Input!.Messages;
        messages.Select(m => m.GetType()).Should().Equal(
            typeof(DeveloperMessage), typeof(SystemMessage), typeof(UserMessage), typeof(AssistantMessage),
            typeof(ToolMessage), typeof(ActivityMessage), typeof(ReasoningMessage));
        var user = (UserMessage)messages[2];
        user.Content.IsText.Should().BeFalse();
        user.Content.Parts!.Select(p => p.GetType()).Should().Equal(typeof(TextPart), typeof(ImagePart), typeof(DocumentPart), typeof(AudioPart));
        ((FileSource)((DocumentPart)user.Content.Parts![2]).Source).Provider.Should().Be("openai");
        ((AssistantMessage)messages[3]).ToolCalls!.Single().Function.Name.Should().Be("search");
        ((ToolMessage)messages[4]).Error.Should().Be("partial");
    }

    [Theory]
    [InlineData("""{"runId":"r","messages":[]}""", "MISSING_PROPERTY", "")]
    [InlineData("""{"threadId":"t","messages":[]}""", "MISSING_PROPERTY", "")]
    [InlineData("""{"threadId":"t","runId":"r"}""", "MISSING_PROPERTY", "")]
    [InlineData("""{"threadId":1,"runId":"r","messages":[]}""", "WRONG_TYPE", "/threadId")]
    [InlineData("""{"threadId":null,"runId":"r","messages":[]}""", "WRONG_TYPE", "/threadId")]
    [InlineData("""{"threadId":"t","runId":"r","messages":{}}""", "WRONG_TYPE", "/messages")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[42]}""", "WRONG_TYPE", "/messages/0")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[{"id":"1","role":"robot","content":"x"}]}""", "INVALID_VALUE", "/messages/0/role")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[{"id":"1","content":"x"}]}""", "MISSING_PROPERTY", "/messages/0")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[{"id":"1","role":"user"}]}""", "MISSING_PROPERTY", "/messages/0")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[{"id":"1","role":"user","content":42}]}""", "WRONG_TYPE", "/messages/0/content")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[{"id":"1","role":"user","content":[{"type":"binary","data":"aGk="}]}]}""", "INVALID_VALUE", "/messages/0/content/0")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[{"id":"1","role":"user","content":[{"type":"image","source":{"type":"file"}}]}]}""", "MISSING_PROPERTY", "/messages/0/content/0/source")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[{"id":"1","role":"tool","content":"x"}]}""", "MISSING_PROPERTY", "/messages/0")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[{"id":"1","role":"assistant","toolCalls":[{"id":"c","type":"function","function":{"name":"f","arguments":{}}}]}]}""", "WRONG_TYPE", "/messages/0/toolCalls/0/function/arguments")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[{"id":"1","role":"assistant","toolCalls":[{"id":"c","type":"method","function":{"name":"f","arguments":"{}"}}]}]}""", "INVALID_VALUE", "/messages/0/toolCalls/0/type")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[{"id":"1","role":"activity","activityType":"a","content":[1]}]}""", "WRONG_TYPE", "/messages/0/content")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"tools":[{"description":"d"}]}""", "MISSING_PROPERTY", "/tools/0")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"context":[42]}""", "WRONG_TYPE", "/context/0")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"resume":[{"interruptId":"i1","status":"expired"}]}""", "INVALID_VALUE", "/resume/0/status")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"resume":[{"status":"resolved"}]}""", "MISSING_PROPERTY", "/resume/0")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"resume":[{"interruptId":"i","status":"resolved","metadata":[1]}]}""", "WRONG_TYPE", "/resume/0/metadata")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"resume":"yes"}""", "WRONG_TYPE", "/resume")]
    [InlineData("""[1,2]""", "WRONG_TYPE", "")]
    public void Read_MalformedKnownField_ReportsCodeAndPointer(string json, string code, string path)
    {
        var result = Read(json);

        result.Succeeded.Should().BeFalse();
        result.Error!.Code.Should().Be(code, result.Error.ToString());
        result.Error.Path.Should().Be(path);
        result.Error.Message.Should().NotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("{\"threadId\":\"t\",")]
    [InlineData("not json")]
    [InlineData("")]
    public void Read_NotWellFormed_ReportsMalformedJson(string json)
    {
        var result = Read(json);

        result.Error!.Code.Should().Be(InputErrorCodes.MalformedJson);
    }

    [Theory]
    [InlineData("""{"threadId":"t","threadId":"u","runId":"r","messages":[]}""", "/threadId")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"state":{"a":{"b":1,"b":2}}}""", "/state/a/b")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"state":{"a":1,"A":2}}""", "/state/A")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"state":{"a":1,"\u0061":2}}""", "/state/a")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"state":{"é":1,"É":2}}""", "/state/É")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"state":{"a/b~":1,"A/B~":2}}""", "/state/A~1B~0")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"resume":[{"interruptId":"i","status":"resolved","payload":{"year":2024,"year":"abc"}}]}""", "/resume/0/payload/year")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"resume":[{"interruptId":"i","status":"resolved"},{"interruptId":"j","status":"resolved","metadata":{"k":[1,{"x":1,"X":2}]}}]}""", "/resume/1/metadata/k/1/X")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[{"id":"m","role":"user","content":"x","metadata":{"k":1,"k":2}}]}""", "/messages/0/metadata/k")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"resume":[{"interruptId":"i","status":"resolved","Status":"cancelled"}]}""", "/resume/0/Status")]
    public void Read_RepeatedPropertyAtAnyDepth_ReportsDuplicatePropertyWithThePathOfTheRepeat(string json, string path)
    {
        var result = Read(json);

        result.Error!.Code.Should().Be(InputErrorCodes.DuplicateProperty, result.Error.ToString());
        result.Error.Path.Should().Be(path);
    }

    [Fact]
    public void Read_ManyPropertiesInOneObject_FindsTheRepeatPastTheSmallObjectScan()
    {
        var members = string.Join(",", Enumerable.Range(0, 1000).Select(i => $"\"k{i}\":{i}"));

        var unique = Read("""{"threadId":"t","runId":"r","messages":[],"state":{""" + members + "}}");
        var repeated = Read("""{"threadId":"t","runId":"r","messages":[],"state":{""" + members + ""","K500":0}}""");

        unique.Succeeded.Should().BeTrue(unique.Error?.ToString());
        repeated.Error!.Code.Should().Be(InputErrorCodes.DuplicateProperty);
        repeated.Error.Path.Should().Be("/state/K500");
    }

    [Theory]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"state":{"a":1,"b":{"a":1},"c":[{"a":1},{"a":2}]}}""")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"state":{"ab":1,"aB2":2,"é":1,"e":2}}""")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"resume":[{"interruptId":"i","status":"resolved","payload":{"year":2024,"quarter":"Q1"}}]}""")]
    public void Read_SameNameInDifferentObjects_Succeeds(string json)
    {
        var result = Read(json);

        result.Succeeded.Should().BeTrue(result.Error?.ToString());
    }

    [Theory]
    [InlineData("""{"ThreadId":"t","runId":"r","messages":[]}""", "/ThreadId")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"resume":[{"interruptId":"i","Status":"cancelled"}]}""", "/resume/0/Status")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[{"id":"m","role":"user","Content":"x"}]}""", "/messages/0/Content")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[{"id":"m","role":"user","content":"x","METADATA":{}}]}""", "/messages/0/METADATA")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"tools":[{"name":"n","Description":"d"}]}""", "/tools/0/Description")]
    public void Read_CaseVariantOfADefinedName_ReportsCaseVariantProperty(string json, string path)
    {
        var result = Read(json);

        result.Error!.Code.Should().Be(InputErrorCodes.CaseVariantProperty, result.Error.ToString());
        result.Error.Path.Should().Be(path);
    }

    [Fact]
    public void Read_UnknownNameThatIsNoCaseVariant_IsStillStripped()
    {
        var result = Read("""{"threadId":"t","runId":"r","messages":[],"statuses":1}""");

        result.Succeeded.Should().BeTrue();
        result.Warnings.Should().ContainSingle(w => w.Code == InputWarningCodes.UnknownPropertyStripped && w.Path == "/statuses");
    }

    [Theory]
    [InlineData("""{"threadId":"","runId":"r","messages":[]}""", "/threadId")]
    [InlineData("""{"threadId":"t","runId":"","messages":[]}""", "/runId")]
    // U+0000 in an id: SQLite's text functions stop at it, so "t\u0000x" and "t" could name one thread or none.
    [InlineData("""{"threadId":"t\u0000x","runId":"r","messages":[]}""", "/threadId")]
    [InlineData("""{"threadId":"t","runId":"\u0000","messages":[]}""", "/runId")]
    public void Read_EmptyThreadOrRunId_ReportsInvalidValue(string json, string path)
    {
        var result = Read(json);

        result.Error!.Code.Should().Be(InputErrorCodes.InvalidValue);
        result.Error.Path.Should().Be(path);
    }

    [Theory]
    [InlineData("""{"threadId":"t\u0001x","runId":"r\u00e9","messages":[]}""")]
    [InlineData("""{"threadId":"t x","runId":"\u4e2d\ud83d\ude00","messages":[]}""")]
    public void Read_IdWithOtherCharacters_IsAccepted(string json)
    {
        var result = Read(json);

        result.Succeeded.Should().BeTrue(result.Error?.ToString());
    }

    [Fact]
    public void ReadDecision_StatusPayloadMetadataReapprove_AreReadForTheGivenInterrupt()
    {
        var result = new RunAgentInputReader().ReadDecision("""{"status":"resolved","payload":{"approved":true},"metadata":{"by":"x"},"reapprove":true}"""u8.ToArray(), "int_1");
        var plain = new RunAgentInputReader().ReadDecision("""{"status":"cancelled"}"""u8.ToArray(), "int_1");

        result.Succeeded.Should().BeTrue(result.Error?.ToString());
        result.Reapprove.Should().BeTrue();
        plain.Reapprove.Should().BeFalse();
        result.Entry!.InterruptId.Should().Be("int_1");
        result.Entry.Status.Should().Be(ResumeStatus.Resolved);
        result.Entry.Payload!.Value.GetProperty("approved").GetBoolean().Should().BeTrue();
        result.Entry.Metadata!.Value.GetProperty("by").GetString().Should().Be("x");
    }

    [Theory]
    [InlineData("""{"status":"resolved","payload":{"approved":false,"approved":true}}""", "DUPLICATE_PROPERTY", "/payload/approved")]
    [InlineData("""{"status":"resolved","payload":{"quarter":"Q1","year":2024,"revenue":5,"Year":"abc"}}""", "DUPLICATE_PROPERTY", "/payload/Year")]
    [InlineData("""{"Status":"cancelled"}""", "CASE_VARIANT_PROPERTY", "/Status")]
    [InlineData("""{"payload":{}}""", "MISSING_PROPERTY", "")]
    [InlineData("""{"status":"Cancelled"}""", "INVALID_VALUE", "/status")]
    [InlineData("""{"status":1}""", "WRONG_TYPE", "/status")]
    [InlineData("""{"status":"cancelled","metadata":[]}""", "WRONG_TYPE", "/metadata")]
    [InlineData("""[]""", "WRONG_TYPE", "")]
    [InlineData("""{"status":""", "MALFORMED_JSON", "")]
    [InlineData("""{"status":"resolved","reapprove":"yes"}""", "WRONG_TYPE", "/reapprove")]
    [InlineData("""{"status":"resolved","Reapprove":true}""", "CASE_VARIANT_PROPERTY", "/Reapprove")]
    [InlineData("""{"status":"resolved","reapprove":false,"reapprove":true}""", "DUPLICATE_PROPERTY", "/reapprove")]
    public void ReadDecision_Invalid_ReportsCodeAndPath(string json, string code, string path)
    {
        var result = new RunAgentInputReader().ReadDecision(Encoding.UTF8.GetBytes(json), "int_1");

        result.Succeeded.Should().BeFalse();
        result.Error!.Code.Should().Be(code, result.Error.ToString());
        result.Error.Path.Should().Be(path);
    }

    [Fact]
    public void Read_NestingBeyond64_ReportsTooDeep()
    {
        var result = Read(NestedState(64));

        result.Error!.Code.Should().Be(InputErrorCodes.TooDeep);
    }

    [Fact]
    public void Read_NestingAt64_Succeeds()
    {
        var result = Read(NestedState(63));

        result.Succeeded.Should().BeTrue(result.Error?.ToString());
    }

    [Fact]
    public void Read_LargerThanMaxBytes_ReportsTooLarge()
    {
        var json = """{"threadId":"t","runId":"r","messages":[]}""";

        var result = Read(json, new RunAgentInputReaderOptions { MaxBytes = json.Length - 1 });

        result.Error!.Code.Should().Be(InputErrorCodes.TooLarge);
    }

    [Fact]
    public void Read_ExactlyMaxBytes_Succeeds()
    {
        var json = """{"threadId":"t","runId":"r","messages":[]}""";

        var result = Read(json, new RunAgentInputReaderOptions { MaxBytes = json.Length });

        result.Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void Read_MessageCountAgainstLimit_RejectsOnlyAboveIt(int count, bool accepted)
    {
        var messages = string.Join(",", Enumerable.Range(0, count).Select(i => $$"""{"id":"{{i}}","role":"user","content":"x"}"""));

        var result = Read($$"""{"threadId":"t","runId":"r","messages":[{{messages}}]}""", new RunAgentInputReaderOptions { MaxMessages = 3 });

        result.Succeeded.Should().Be(accepted);
        if (!accepted)
        {
            result.Error!.Code.Should().Be(InputErrorCodes.TooManyMessages);
            result.Error.Path.Should().Be("/messages");
        }
    }

    [Fact]
    public void Read_UnknownPropertiesByDefault_StripsThemWithWarnings()
    {
        var result = Read("""{"threadId":"t","runId":"r","messages":[{"id":"1","role":"user","content":"x","toolCalls":[],"mood":"happy"}],"extra/key":1}""");

        result.Succeeded.Should().BeTrue();
        result.Warnings.Select(w => (w.Code, w.Path)).Should().BeEquivalentTo(new[]
        {
            (InputWarningCodes.UnknownPropertyStripped, "/messages/0/mood"),
            (InputWarningCodes.UnknownPropertyStripped, "/messages/0/toolCalls"),
            (InputWarningCodes.UnknownPropertyStripped, "/extra~1key"),
        });
        var written = Write(result.Input!);
        written["extra/key"].Should().BeNull();
        written["messages"]![0]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo("id", "role", "content");
    }

    [Fact]
    public void Read_UnknownPropertyWithRejectOption_ReportsUnknownProperty()
    {
        var result = Read("""{"threadId":"t","runId":"r","messages":[],"extra":1}""", new RunAgentInputReaderOptions { UnknownMembers = UnknownMemberHandling.Reject });

        result.Error!.Code.Should().Be(InputErrorCodes.UnknownProperty);
        result.Error.Path.Should().Be("/extra");
    }

    [Fact]
    public void Read_LegacyResumeObject_BecomesOneResolvedEntryWithWarning()
    {
        var result = Read("""{"threadId":"t","runId":"r","messages":[],"resume":{"interruptId":"i1","payload":{"approved":true}}}""");

        result.Succeeded.Should().BeTrue(result.Error?.ToString());
        var entry = result.Input!.Resume!.Should().ContainSingle().Subject;
        entry.InterruptId.Should().Be("i1");
        entry.Status.Should().Be(ResumeStatus.Resolved);
        entry.Payload!.Value.GetProperty("approved").GetBoolean().Should().BeTrue();
        result.Warnings.Select(w => w.Code).Should().Contain(InputWarningCodes.LegacyResumeObject);
        result.Warnings.Single(w => w.Code == InputWarningCodes.LegacyResumeObject).Path.Should().Be("/resume");
        var written = Write(result.Input);
        written["resume"]!.GetValueKind().Should().Be(JsonValueKind.Array, "output is always 1.0");
        written["resume"]![0]!["status"]!.GetValue<string>().Should().Be("resolved");
    }

    [Fact]
    public void Read_EntryWithoutStatus_BecomesResolvedWithWarning()
    {
        var result = Read("""{"threadId":"t","runId":"r","messages":[],"resume":[{"interruptId":"i1","payload":1}]}""");

        result.Input!.Resume!.Single().Status.Should().Be(ResumeStatus.Resolved);
        result.Warnings.Should().ContainSingle(w => w.Code == InputWarningCodes.LegacyResumeStatus && w.Path == "/resume/0");
    }

    [Fact]
    public void Read_EntryWithStatus_ReportsNoLegacyWarning()
    {
        var result = Read("""{"threadId":"t","runId":"r","messages":[],"resume":[{"interruptId":"i1","status":"cancelled"}]}""");

        result.Input!.Resume!.Single().Status.Should().Be(ResumeStatus.Cancelled);
        result.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Read_ExplicitNullsOnOptionalFields_AreAbsentWithWarnings()
    {
        var result = Read("""
            {"threadId":"t","runId":"r","messages":[{"id":"1","role":"user","content":"x","name":null}],
             "state":null,"forwardedProps":null,"parentRunId":null,"tools":null,"context":null,"protocolVersion":null,
             "resume":[{"interruptId":"i1","status":"resolved","payload":null,"metadata":null}]}
            """);

        result.Succeeded.Should().BeTrue(result.Error?.ToString());
        var input = result.Input!;
        input.State.Should().BeNull();
        input.ForwardedProps.Should().BeNull();
        input.Tools.Should().BeNull();
        input.Resume!.Single().Payload.Should().BeNull();
        result.Warnings.Where(w => w.Code == InputWarningCodes.NullAsAbsent).Select(w => w.Path).Should().BeEquivalentTo(
            "/messages/0/name", "/state", "/forwardedProps", "/parentRunId", "/tools", "/context", "/protocolVersion",
            "/resume/0/payload", "/resume/0/metadata");
        var written = Write(input).ToJsonString();
        written.Should().NotContain("null", "absent means absent on output");
    }

    [Fact]
    public void Read_NullsInsideOpenValues_ArePreservedAsData()
    {
        var result = Read("""{"threadId":"t","runId":"r","messages":[],"state":{"a":null},"forwardedProps":{"b":[null]}}""");

        result.Warnings.Should().BeEmpty();
        var written = Write(result.Input!);
        JsonNode.DeepEquals(written["state"], JsonNode.Parse("""{"a":null}""")).Should().BeTrue();
        JsonNode.DeepEquals(written["forwardedProps"], JsonNode.Parse("""{"b":[null]}""")).Should().BeTrue();
    }

    [Theory]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"state":null}""")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"resume":{"interruptId":"i"}}""")]
    [InlineData("""{"threadId":"t","runId":"r","messages":[],"resume":[{"interruptId":"i"}]}""")]
    public void Read_LegacyShapeWithRejectOption_ReportsLegacyShape(string json)
    {
        var result = Read(json, new RunAgentInputReaderOptions { LegacyInput = LegacyInputHandling.Reject });

        result.Error!.Code.Should().Be(InputErrorCodes.LegacyShape);
    }

    [Fact]
    public void Read_DiscriminatorAfterOtherFields_StillIdentifiesRole()
    {
        var result = Read("""{"threadId":"t","runId":"r","messages":[{"toolCallId":"c","content":"x","id":"1","role":"tool"}]}""");

        result.Input!.Messages.Single().Should().BeOfType<ToolMessage>().Which.ToolCallId.Should().Be("c");
    }

    private static string NestedState(int depth)
    {
        // The root object is level 1 and "state" adds one level per nested array.
        return "{\"threadId\":\"t\",\"runId\":\"r\",\"messages\":[],\"state\":" + new string('[', depth) + new string(']', depth) + "}";
    }
}

public sealed class RunAgentInputReaderEncodingTests
{
    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public void Read_InvalidUtf8InNameOrValue_ReportsMalformedJson(byte[] invalid)
    {
        foreach (var body in new[] { Wrap("{\"threadId\":\"", invalid, "\",\"runId\":\"r\",\"messages\":[]}"), Wrap("{\"threadId\":\"t\",\"runId\":\"r\",\"messages\":[],\"", invalid, "\":1}") })
        {
            var result = new RunAgentInputReader().Read(body);

            result.Succeeded.Should().BeFalse();
            result.Error!.Code.Should().Be(InputErrorCodes.MalformedJson);
        }
    }

    [Fact]
    public void Read_ValidMultiByteUtf8_Succeeds()
    {
        var result = new RunAgentInputReader().Read(System.Text.Encoding.UTF8.GetBytes("""{"threadId":"fil-é-中","runId":"r","messages":[]}"""));

        result.Input!.ThreadId.Should().Be("fil-é-中");
    }

    private static byte[] Wrap(string before, byte[] middle, string after) =>
        [.. System.Text.Encoding.UTF8.GetBytes(before), .. middle, .. System.Text.Encoding.UTF8.GetBytes(after)];
}
