using System.Text;
using System.Text.Json;
using AutomagikHello.AgUi.Input;
using AutomagikHello.AgUi.Serialization;
using BenchmarkDotNet.Attributes;

namespace AutomagikHello.AgUi.Benchmarks;

/// <summary>
/// Read a typical ~2 KB RunAgentInput. Baseline: the source-generated deserializer, which checks far less
/// (no JSON Pointer errors, no legacy translation, no unknown-member policy).
/// </summary>
[MemoryDiagnoser]
public class InputReadingBenchmarks
{
    private readonly RunAgentInputReader _reader = new();
    private byte[] _body = null!;

    public static byte[] TypicalInput()
    {
        var json = """
            {"threadId":"thread-3f0c2a","runId":"run-9b1d77","protocolVersion":"1.0",
             "state":{"cart":{"items":[{"sku":"A-100","qty":2},{"sku":"B-220","qty":1}]},"locale":"en-GB"},
             "messages":[
              {"id":"m1","role":"system","content":"You are a helpful voice assistant for an online shop. Keep answers short."},
              {"id":"m2","role":"user","content":"Hi, I'd like to change the delivery address of my last order please."},
              {"id":"m3","role":"assistant","content":"Sure. Which address should I use?","toolCalls":[{"id":"call-1","type":"function","function":{"name":"lookupOrder","arguments":"{\"orderId\":\"last\",\"fields\":[\"address\",\"status\"]}"}}]},
              {"id":"m4","role":"tool","toolCallId":"call-1","content":"{\"orderId\":\"O-77812\",\"status\":\"packed\",\"address\":\"1 Old Street, London\"}"},
              {"id":"m5","role":"user","content":[{"type":"text","text":"Please send it to 22 New Road, Leeds, LS1 4AB instead."}]},
              {"id":"m6","role":"assistant","content":"Got it: 22 New Road, Leeds, LS1 4AB. I need your approval to update order O-77812."},
              {"id":"m7","role":"user","content":"Yes, and can you also tell me when it will arrive? I'm away on Friday."}],
             "tools":[
              {"name":"confirmAddress","description":"Ask the user to confirm a postal address on screen","parameters":{"type":"object","properties":{"address":{"type":"string"}},"required":["address"]}},
              {"name":"showMap","description":"Show a map centred on an address","parameters":{"type":"object","properties":{"address":{"type":"string"},"zoom":{"type":"integer"}}}}],
             "context":[{"description":"user tier","value":"gold"},{"description":"channel","value":"voice"}],
             "forwardedProps":{"voice":{"sttConfidence":0.93,"language":"en-GB"}},
             "resume":[{"interruptId":"int-1","status":"resolved","payload":{"approved":true,"editedArgs":{"orderId":"O-77812","address":"22 New Road, Leeds, LS1 4AB"}}}]}
            """;
        return Encoding.UTF8.GetBytes(json);
    }

    [GlobalSetup]
    public void Setup()
    {
        _body = TypicalInput();
        if (!_reader.Read(_body).Succeeded)
        {
            throw new InvalidOperationException("The benchmark input must be valid.");
        }
    }

    [Benchmark(Baseline = true)]
    public RunAgentInput? SourceGeneratedDeserialize() =>
        JsonSerializer.Deserialize(_body, AgUiJsonContext.Default.RunAgentInput);

    [Benchmark]
    public RunAgentInput? StrictReader() => _reader.Read(_body).Input;
}
