using System.Text.Json;

namespace AutomagikHello.AgUi.Input;

/// <summary>
/// Walks one parsed body into the 1.0 model, checking every known field against the 1.0 schema. One instance per
/// read. Property names are matched as UTF-8 (no string per name); strings are only built for errors and warnings.
/// </summary>
internal sealed class RunAgentInputParser
{
    // The members each object defines: a name that differs from one of them only in case is refused, never stripped.
    private static readonly string[] InputNames = ["threadId", "runId", "messages", "protocolVersion", "parentRunId", "state", "forwardedProps", "tools", "context", "resume"];
    private static readonly string[] MessageNames = [.. MessageFields.All.Select(MessageFields.NameOf)];
    private static readonly string[] ContentPartNames = ["type", "id", "metadata", "text", "source"];
    private static readonly string[] PartSourceNames = ["type", "value", "mimeType", "provider"];
    private static readonly string[] ToolCallNames = ["id", "type", "function", "encryptedValue", "metadata"];
    private static readonly string[] FunctionCallNames = ["name", "arguments"];
    private static readonly string[] ToolNames = ["name", "description", "parameters", "metadata"];
    private static readonly string[] ContextNames = ["description", "value"];
    private static readonly string[] ResumeEntryNames = ["interruptId", "status", "payload", "metadata"];
    private static readonly string[] DecisionNames = ["status", "payload", "metadata", "reapprove"];

    private readonly RunAgentInputReaderOptions _options;
    private readonly JsonPointerPath _path = JsonPointerPath.Rent();
    private List<InputDiagnostic>? _warnings;
    private bool _reapprove; // a decision's flag, read with its entry

    public RunAgentInputParser(RunAgentInputReaderOptions options)
    {
        _options = options;
    }

    public IReadOnlyList<InputDiagnostic> Warnings => (IReadOnlyList<InputDiagnostic>?)_warnings ?? [];

    /// <summary>Ends the read: the path's list goes back to the thread (every diagnostic has rendered its path by now).</summary>
    public void Finish() => _path.Return();

    /// <summary>Reads the body; <paramref name="defaultThreadId"/> and <paramref name="defaultRunId"/> stand in for absent ids.</summary>
    public RunAgentInput ReadInput(JsonElement e, string? defaultThreadId = null, string? defaultRunId = null)
    {
        ExpectObject(e, "The body must be a JSON object (a RunAgentInput).");
        string? threadId = null, runId = null, protocolVersion = null, parentRunId = null;
        JsonElement? state = null, forwardedProps = null;
        List<Message>? messages = null;
        List<Tool>? tools = null;
        List<Context>? context = null;
        List<ResumeEntry>? resume = null;
        foreach (var p in e.EnumerateObject())
        {
            _path.Push(p);
            if (p.NameEquals("threadId"u8)) threadId = RequiredId(p.Value);
            else if (p.NameEquals("runId"u8)) runId = RequiredId(p.Value);
            else if (p.NameEquals("messages"u8)) messages = ReadMessages(p.Value);
            else if (p.NameEquals("protocolVersion"u8)) protocolVersion = OptionalString(p.Value);
            else if (p.NameEquals("parentRunId"u8)) parentRunId = OptionalString(p.Value);
            else if (p.NameEquals("state"u8)) state = OptionalAny(p.Value);
            else if (p.NameEquals("forwardedProps"u8)) forwardedProps = OptionalAny(p.Value);
            else if (p.NameEquals("tools"u8)) tools = OptionalArray(p.Value, static (parser, x) => parser.ReadTool(x));
            else if (p.NameEquals("context"u8)) context = OptionalArray(p.Value, static (parser, x) => parser.ReadContext(x));
            else if (p.NameEquals("resume"u8)) resume = ReadResume(p.Value);
            else Unknown(p, InputNames);
            _path.Pop();
        }

        return new RunAgentInput
        {
            ThreadId = Required(threadId ?? defaultThreadId, "threadId"),
            RunId = Required(runId ?? defaultRunId, "runId"),
            Messages = Required(messages, "messages"),
            ProtocolVersion = protocolVersion,
            ParentRunId = parentRunId,
            State = state,
            ForwardedProps = forwardedProps,
            Tools = tools,
            Context = context,
            Resume = resume,
        };
    }

    private List<Message> ReadMessages(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            throw Reject(InputErrorCodes.WrongType, $"Expected an array of messages, found {Describe(e)}.");
        }

        var count = e.GetArrayLength();
        if (count > _options.MaxMessages)
        {
            throw Reject(InputErrorCodes.TooManyMessages, $"The input carries {count} messages; the limit is {_options.MaxMessages}.");
        }

        return ReadArray(e, static (parser, x) => parser.ReadMessage(x), count);
    }

    private Message ReadMessage(JsonElement e)
    {
        ExpectObject(e, "A message must be an object with a 'role'.");
        var fields = new MessageFields();
        foreach (var p in e.EnumerateObject())
        {
            _path.Push(p);
            var field = MessageFields.Identify(p);
            if (field == MessageField.None)
            {
                Unknown(p, MessageNames);
            }
            else
            {
                fields.Set(field, p.Value);
            }

            _path.Pop();
        }

        if (fields.Role is not { } roleElement)
        {
            throw Reject(InputErrorCodes.MissingProperty, "Property 'role' is required on a message.");
        }

        _path.Push("role");
        var role = RequiredString(roleElement);
        var kind = MessageFields.RoleOf(role)
            ?? throw Reject(InputErrorCodes.InvalidValue, $"Unknown message role '{role}'; expected developer, system, assistant, user, tool, activity or reasoning.");
        _path.Pop();

        StripFieldsNotAllowed(ref fields, kind);
        var id = RequiredField(fields.Id, "id");
        var subagentRunId = OptionalField(fields.SubagentRunId, "subagentRunId", static (parser, x) => parser.OptionalString(x));
        var metadata = OptionalField(fields.Metadata, "metadata", static (parser, x) => parser.OptionalObject(x));
        var name = OptionalField(fields.Name, "name", static (parser, x) => parser.OptionalString(x));
        var encryptedValue = OptionalField(fields.EncryptedValue, "encryptedValue", static (parser, x) => parser.OptionalString(x));
        return kind switch
        {
            MessageKind.Developer => new DeveloperMessage
            {
                Id = id, Content = RequiredField(fields.Content, "content"), Name = name, EncryptedValue = encryptedValue,
                SubagentRunId = subagentRunId, Metadata = metadata,
            },
            MessageKind.System => new SystemMessage
            {
                Id = id, Content = RequiredField(fields.Content, "content"), Name = name, EncryptedValue = encryptedValue,
                SubagentRunId = subagentRunId, Metadata = metadata,
            },
            MessageKind.Assistant => new AssistantMessage
            {
                Id = id, Content = OptionalField(fields.Content, "content", static (parser, x) => parser.OptionalString(x)),
                ToolCalls = OptionalField(fields.ToolCalls, "toolCalls", static (parser, v) => parser.OptionalArray(v, static (inner, x) => inner.ReadToolCall(x))),
                Name = name, EncryptedValue = encryptedValue, SubagentRunId = subagentRunId, Metadata = metadata,
            },
            MessageKind.User => new UserMessage
            {
                Id = id, Content = RequiredContent(fields.Content), Name = name, EncryptedValue = encryptedValue,
                SubagentRunId = subagentRunId, Metadata = metadata,
            },
            MessageKind.Tool => new ToolMessage
            {
                Id = id, Content = RequiredContent(fields.Content), ToolCallId = RequiredField(fields.ToolCallId, "toolCallId"),
                Error = OptionalField(fields.Error, "error", static (parser, x) => parser.OptionalString(x)), EncryptedValue = encryptedValue,
                SubagentRunId = subagentRunId, Metadata = metadata,
            },
            MessageKind.Activity => new ActivityMessage
            {
                Id = id, ActivityType = RequiredField(fields.ActivityType, "activityType"),
                Content = RequiredObjectField(fields.Content, "content"), SubagentRunId = subagentRunId, Metadata = metadata,
            },
            _ => new ReasoningMessage
            {
                Id = id, Content = RequiredField(fields.Content, "content"), EncryptedValue = encryptedValue,
                SubagentRunId = subagentRunId, Metadata = metadata,
            },
        };
    }

    private void StripFieldsNotAllowed(ref MessageFields fields, MessageKind kind)
    {
        var notAllowed = fields.Present & ~MessageFields.AllowedFor(kind);
        if (notAllowed == MessageField.None)
        {
            return;
        }

        foreach (var field in MessageFields.All)
        {
            if ((notAllowed & field) != 0)
            {
                UnknownName(MessageFields.NameOf(field), $"a {kind.ToString().ToLowerInvariant()} message");
                fields.Clear(field);
            }
        }
    }

    private MessageContent RequiredContent(JsonElement? content)
    {
        if (content is not { } e)
        {
            throw Reject(InputErrorCodes.MissingProperty, "Property 'content' is required.");
        }

        _path.Push("content");
        MessageContent result = e.ValueKind switch
        {
            JsonValueKind.String => MessageContent.FromText(e.GetString()!),
            JsonValueKind.Array => MessageContent.FromParts(ReadArray(e, static (parser, x) => parser.ReadContentPart(x), e.GetArrayLength())),
            _ => throw Reject(InputErrorCodes.WrongType, $"Content must be a string or an array of content parts, found {Describe(e)}."),
        };
        _path.Pop();
        return result;
    }

    private ContentPart ReadContentPart(JsonElement e)
    {
        ExpectObject(e, "A content part must be an object with a 'type'.");
        string? type = null, id = null, text = null;
        JsonElement? metadata = null;
        PartSource? source = null;
        JsonElement? sourceElement = null, textElement = null;
        foreach (var p in e.EnumerateObject())
        {
            _path.Push(p);
            if (p.NameEquals("type"u8)) type = RequiredString(p.Value);
            else if (p.NameEquals("id"u8)) id = OptionalString(p.Value);
            else if (p.NameEquals("metadata"u8)) metadata = OptionalAny(p.Value);
            else if (p.NameEquals("text"u8)) textElement = p.Value;
            else if (p.NameEquals("source"u8)) sourceElement = p.Value;
            else Unknown(p, ContentPartNames);
            _path.Pop();
        }

        var kind = type switch
        {
            null => throw Reject(InputErrorCodes.MissingProperty, "Property 'type' is required on a content part."),
            "text" or "image" or "audio" or "video" or "document" => type,
            "binary" => throw Reject(InputErrorCodes.InvalidValue, "The 0.x 'binary' content part is not part of AG-UI 1.0; send an image, audio, video or document part with a source."),
            _ => throw Reject(InputErrorCodes.InvalidValue, $"Unknown content part type '{type}'; expected text, image, audio, video or document."),
        };

        if (kind == "text")
        {
            if (sourceElement is not null)
            {
                UnknownName("source", "a text part");
            }

            _path.Push("text");
            text = textElement is { } t ? RequiredString(t) : null;
            _path.Pop();
            return new TextPart { Text = Required(text, "text"), Id = id, Metadata = metadata };
        }

        if (textElement is not null)
        {
            UnknownName("text", $"an {kind} part");
        }

        if (sourceElement is { } s)
        {
            _path.Push("source");
            source = ReadPartSource(s);
            _path.Pop();
        }

        var required = Required(source, "source");
        return kind switch
        {
            "image" => new ImagePart { Source = required, Id = id, Metadata = metadata },
            "audio" => new AudioPart { Source = required, Id = id, Metadata = metadata },
            "video" => new VideoPart { Source = required, Id = id, Metadata = metadata },
            _ => new DocumentPart { Source = required, Id = id, Metadata = metadata },
        };
    }

    private PartSource ReadPartSource(JsonElement e)
    {
        ExpectObject(e, "A part source must be an object with a 'type'.");
        string? type = null, value = null, mimeType = null, provider = null;
        var hasProvider = false;
        foreach (var p in e.EnumerateObject())
        {
            _path.Push(p);
            if (p.NameEquals("type"u8)) type = RequiredString(p.Value);
            else if (p.NameEquals("value"u8)) value = RequiredString(p.Value);
            else if (p.NameEquals("mimeType"u8)) mimeType = OptionalString(p.Value);
            else if (p.NameEquals("provider"u8))
            {
                provider = OptionalString(p.Value);
                hasProvider = true;
            }
            else Unknown(p, PartSourceNames);
            _path.Pop();
        }

        switch (type)
        {
            case null:
                throw Reject(InputErrorCodes.MissingProperty, "Property 'type' is required on a part source.");
            case "data":
                StripProvider(hasProvider, "a data source");
                return new DataSource { Value = Required(value, "value"), MimeType = Required(mimeType, "mimeType") };
            case "url":
                StripProvider(hasProvider, "a url source");
                return new UrlSource { Value = Required(value, "value"), MimeType = mimeType };
            case "file":
                return new FileSource { Value = Required(value, "value"), Provider = provider, MimeType = mimeType };
            default:
                throw Reject(InputErrorCodes.InvalidValue, $"Unknown part source type '{type}'; expected data, url or file.");
        }
    }

    private void StripProvider(bool hasProvider, string owner)
    {
        if (hasProvider)
        {
            UnknownName("provider", owner);
        }
    }

    private ToolCall ReadToolCall(JsonElement e)
    {
        ExpectObject(e, "A tool call must be an object.");
        string? id = null, type = null, encryptedValue = null;
        FunctionCall? function = null;
        JsonElement? metadata = null;
        foreach (var p in e.EnumerateObject())
        {
            _path.Push(p);
            if (p.NameEquals("id"u8)) id = RequiredString(p.Value);
            else if (p.NameEquals("type"u8)) type = RequiredString(p.Value);
            else if (p.NameEquals("function"u8)) function = ReadFunctionCall(p.Value);
            else if (p.NameEquals("encryptedValue"u8)) encryptedValue = OptionalString(p.Value);
            else if (p.NameEquals("metadata"u8)) metadata = OptionalObject(p.Value);
            else Unknown(p, ToolCallNames);
            _path.Pop();
        }

        if (Required(type, "type") != "function")
        {
            _path.Push("type");
            throw Reject(InputErrorCodes.InvalidValue, $"A tool call's type must be 'function', found '{type}'.");
        }

        return new ToolCall { Id = Required(id, "id"), Function = Required(function, "function"), EncryptedValue = encryptedValue, Metadata = metadata };
    }

    private FunctionCall ReadFunctionCall(JsonElement e)
    {
        ExpectObject(e, "A tool call's function must be an object with 'name' and 'arguments'.");
        string? name = null, arguments = null;
        foreach (var p in e.EnumerateObject())
        {
            _path.Push(p);
            if (p.NameEquals("name"u8)) name = RequiredString(p.Value);
            else if (p.NameEquals("arguments"u8)) arguments = RequiredString(p.Value, "Arguments must be the raw JSON text as a string");
            else Unknown(p, FunctionCallNames);
            _path.Pop();
        }

        return new FunctionCall { Name = Required(name, "name"), Arguments = Required(arguments, "arguments") };
    }

    private Tool ReadTool(JsonElement e)
    {
        ExpectObject(e, "A tool must be an object with 'name' and 'description'.");
        string? name = null, description = null;
        JsonElement? parameters = null, metadata = null;
        foreach (var p in e.EnumerateObject())
        {
            _path.Push(p);
            if (p.NameEquals("name"u8)) name = RequiredString(p.Value);
            else if (p.NameEquals("description"u8)) description = RequiredString(p.Value);
            else if (p.NameEquals("parameters"u8)) parameters = OptionalAny(p.Value);
            else if (p.NameEquals("metadata"u8)) metadata = OptionalObject(p.Value);
            else Unknown(p, ToolNames);
            _path.Pop();
        }

        return new Tool { Name = Required(name, "name"), Description = Required(description, "description"), Parameters = parameters, Metadata = metadata };
    }

    private Context ReadContext(JsonElement e)
    {
        ExpectObject(e, "A context entry must be an object with 'description' and 'value'.");
        string? description = null, value = null;
        foreach (var p in e.EnumerateObject())
        {
            _path.Push(p);
            if (p.NameEquals("description"u8)) description = RequiredString(p.Value);
            else if (p.NameEquals("value"u8)) value = RequiredString(p.Value);
            else Unknown(p, ContextNames);
            _path.Pop();
        }

        return new Context { Description = Required(description, "description"), Value = Required(value, "value") };
    }

    private List<ResumeEntry>? ReadResume(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Null:
                NullAsAbsent();
                return null;
            case JsonValueKind.Object:
                Legacy(InputWarningCodes.LegacyResumeObject, "A single 'resume' object (draft shape) was read as a one-element array.");
                _path.Push(0);
                var entry = ReadResumeEntry(e, legacyObject: true);
                _path.Pop();
                return [entry];
            case JsonValueKind.Array:
                return ReadArray(e, static (parser, x) => parser.ReadResumeEntry(x, legacyObject: false), e.GetArrayLength());
            default:
                throw Reject(InputErrorCodes.WrongType, $"Expected an array of resume entries, found {Describe(e)}.");
        }
    }

    /// <summary>
    /// Reads a decision on the interrupt its URL names (the decision endpoint's body): <c>status</c> (required),
    /// <c>payload</c>, <c>metadata</c>, <c>reapprove</c>.
    /// </summary>
    public DecisionBody ReadDecision(JsonElement e, string interruptId)
    {
        var entry = ReadResumeEntry(e, legacyObject: false, decisionFor: interruptId);
        return new DecisionBody(entry, _reapprove);
    }

    private ResumeEntry ReadResumeEntry(JsonElement e, bool legacyObject, string? decisionFor = null)
    {
        ExpectObject(e, decisionFor is null
            ? "A resume entry must be an object with 'interruptId' and 'status'."
            : "A decision must be an object with 'status' and, optionally, 'payload' and 'metadata'.");
        string? interruptId = null;
        ResumeStatus? status = null;
        JsonElement? payload = null, metadata = null;
        foreach (var p in e.EnumerateObject())
        {
            _path.Push(p);
            if (decisionFor is null && p.NameEquals("interruptId"u8)) interruptId = legacyObject ? OptionalString(p.Value) : RequiredString(p.Value);
            else if (p.NameEquals("status"u8)) status = ReadStatus(p.Value);
            else if (p.NameEquals("payload"u8)) payload = OptionalAny(p.Value);
            else if (p.NameEquals("metadata"u8)) metadata = OptionalObject(p.Value);
            else if (decisionFor is not null && p.NameEquals("reapprove"u8)) _reapprove = OptionalBoolean(p.Value);
            else Unknown(p, decisionFor is null ? ResumeEntryNames : DecisionNames);
            _path.Pop();
        }

        if (decisionFor is not null)
        {
            return new ResumeEntry { InterruptId = decisionFor, Status = status ?? throw Reject(InputErrorCodes.MissingProperty, "Property 'status' is required."), Payload = payload, Metadata = metadata };
        }

        if (status is null)
        {
            Legacy(InputWarningCodes.LegacyResumeStatus, "A resume entry without 'status' (draft shape) was read as 'resolved'.");
            status = ResumeStatus.Resolved;
        }

        // A draft resume object may omit interruptId; the empty id is bound later to the thread's single open interrupt.
        return new ResumeEntry
        {
            InterruptId = legacyObject ? interruptId ?? string.Empty : Required(interruptId, "interruptId"),
            Status = status.Value,
            Payload = payload,
            Metadata = metadata,
        };
    }

    private ResumeStatus ReadStatus(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            if (e.ValueEquals("resolved"u8)) return ResumeStatus.Resolved;
            if (e.ValueEquals("cancelled"u8)) return ResumeStatus.Cancelled;
            throw Reject(InputErrorCodes.InvalidValue, $"Unknown resume status '{e.GetString()}'; expected 'resolved' or 'cancelled'.");
        }

        throw Reject(InputErrorCodes.WrongType, $"Expected the string 'resolved' or 'cancelled', found {Describe(e)}.");
    }

    private List<T>? OptionalArray<T>(JsonElement e, Func<RunAgentInputParser, JsonElement, T> readItem)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            NullAsAbsent();
            return null;
        }

        if (e.ValueKind != JsonValueKind.Array)
        {
            throw Reject(InputErrorCodes.WrongType, $"Expected an array, found {Describe(e)}.");
        }

        return ReadArray(e, readItem, e.GetArrayLength());
    }

    private List<T> ReadArray<T>(JsonElement e, Func<RunAgentInputParser, JsonElement, T> readItem, int count)
    {
        var items = new List<T>(count);
        var index = 0;
        foreach (var item in e.EnumerateArray())
        {
            _path.Push(index++);
            items.Add(readItem(this, item));
            _path.Pop();
        }

        return items;
    }

    private string RequiredString(JsonElement e) => RequiredString(e, "Expected a string");

    // A thread or run id: an empty one would name a thread no URL can address, and one with U+0000 a key that stores
    // disagree on (SQLite's text functions stop at it).
    private string RequiredId(JsonElement e)
    {
        var id = RequiredString(e);
        if (id.Length == 0)
        {
            throw Reject(InputErrorCodes.InvalidValue, "An id must not be empty.");
        }

        return id.Contains('\0', StringComparison.Ordinal)
            ? throw Reject(InputErrorCodes.InvalidValue, "An id must not contain U+0000.")
            : id;
    }

    private string RequiredString(JsonElement e, string expectation) =>
        e.ValueKind == JsonValueKind.String
            ? e.GetString()!
            : throw Reject(InputErrorCodes.WrongType, $"{expectation}, found {Describe(e)}.");

    private string? OptionalString(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            NullAsAbsent();
            return null;
        }

        return RequiredString(e);
    }

    private JsonElement? OptionalAny(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            NullAsAbsent();
            return null;
        }

        return Kept(e);
    }

    private bool OptionalBoolean(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Null:
                NullAsAbsent();
                return false;
            default:
                throw Reject(InputErrorCodes.WrongType, $"Expected a boolean, found {Describe(e)}.");
        }
    }

    private JsonElement? OptionalObject(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            NullAsAbsent();
            return null;
        }

        ExpectObject(e, "Expected an object");
        return Kept(e);
    }

    /// <summary>
    /// A value the input keeps: a copy of its own, so the input holds neither the body nor the parsed document (whose
    /// pooled buffers go back when the read returns) and stays what was validated when the body's buffer is reused.
    /// </summary>
    private static JsonElement Kept(JsonElement e) => e.Clone();

    private string RequiredField(JsonElement? e, string name)
    {
        if (e is not { } value)
        {
            throw Reject(InputErrorCodes.MissingProperty, $"Property '{name}' is required.");
        }

        _path.Push(name);
        var result = RequiredString(value);
        _path.Pop();
        return result;
    }

    private JsonElement RequiredObjectField(JsonElement? e, string name)
    {
        if (e is not { } value)
        {
            throw Reject(InputErrorCodes.MissingProperty, $"Property '{name}' is required.");
        }

        _path.Push(name);
        ExpectObject(value, "Expected an object");
        _path.Pop();
        return Kept(value);
    }

    private T? OptionalField<T>(JsonElement? e, string name, Func<RunAgentInputParser, JsonElement, T?> read)
    {
        if (e is not { } value)
        {
            return default;
        }

        _path.Push(name);
        var result = read(this, value);
        _path.Pop();
        return result;
    }

    private T Required<T>(T? value, string name)
        where T : class =>
        value ?? throw Reject(InputErrorCodes.MissingProperty, $"Property '{name}' is required.");

    private void ExpectObject(JsonElement e, string expectation)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Reject(InputErrorCodes.WrongType, $"{expectation.TrimEnd('.')}, found {Describe(e)}.");
        }
    }

    // Called with the property already on the path. A case variant of a defined name is refused whatever the policy:
    // stripping {"Status":"cancelled"} would silently turn a cancel into the draft default, a resolve.
    private void Unknown(JsonProperty p, string[] defined)
    {
        foreach (var name in defined)
        {
            if (string.Equals(name, p.Name, StringComparison.OrdinalIgnoreCase))
            {
                throw Reject(InputErrorCodes.CaseVariantProperty, $"Property '{p.Name}' differs from '{name}' only in case; AG-UI names are case-sensitive.");
            }
        }

        UnknownAt(_path.Render(), p.Name, "this object");
    }

    // Called with the owning object on the path.
    private void UnknownName(string name, string owner) => UnknownAt(_path.Render(name), name, owner);

    private void UnknownAt(string path, string name, string owner)
    {
        if (_options.UnknownMembers == UnknownMemberHandling.Reject)
        {
            throw new InputRejectedException(new InputDiagnostic(
                InputErrorCodes.UnknownProperty, path, $"Property '{name}' is not defined for {owner} in AG-UI 1.0."));
        }

        Warn(InputWarningCodes.UnknownPropertyStripped, path, $"Property '{name}' is not defined for {owner} in AG-UI 1.0 and was ignored.");
    }

    private void NullAsAbsent() =>
        Legacy(InputWarningCodes.NullAsAbsent, "An explicit null on an optional property was read as absent.");

    private void Legacy(string warningCode, string message)
    {
        if (_options.LegacyInput == LegacyInputHandling.Reject)
        {
            throw Reject(InputErrorCodes.LegacyShape, message.Replace(" was read as", " would be read as", StringComparison.Ordinal) + " Legacy input shapes are rejected by configuration.");
        }

        Warn(warningCode, _path.Render(), message);
    }

    private void Warn(string code, string path, string message) =>
        (_warnings ??= []).Add(new InputDiagnostic(code, path, message));

    private InputRejectedException Reject(string code, string message) =>
        new(new InputDiagnostic(code, _path.Render(), message));

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}

/// <summary>A decision body as read: the resume entry, and whether it re-approves an interrupt in doubt.</summary>
internal sealed record DecisionBody(ResumeEntry Entry, bool Reapprove);
