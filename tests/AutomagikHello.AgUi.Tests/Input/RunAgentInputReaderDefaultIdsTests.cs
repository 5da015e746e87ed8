using System.Text;
using AutomagikHello.AgUi.Input;

namespace AutomagikHello.AgUi.Tests.Input;

/// <summary><c>Read(body, threadId, runId)</c>: ids a route names stand in for absent ones, and only for absent ones.</summary>
public sealed class RunAgentInputReaderDefaultIdsTests
{
    private static readonly RunAgentInputReader Reader = new();

    [Fact]
    public void AbsentIds_TakeTheGivenOnes()
    {
        var result = Reader.Read(Utf8("""{"messages":[]}"""), "route-thread", "run_new");

        result.Error.Should().BeNull();
        result.Input!.ThreadId.Should().Be("route-thread");
        result.Input.RunId.Should().Be("run_new");
    }

    [Fact]
    public void PresentIds_AreReadFromTheBody()
    {
        var result = Reader.Read(Utf8("""{"threadId":"body-thread","runId":"body-run","messages":[]}"""), "route-thread", "run_new");

        result.Input!.ThreadId.Should().Be("body-thread");
        result.Input.RunId.Should().Be("body-run");
    }

    [Theory]
    [InlineData("""{"threadId":5,"messages":[]}""", "/threadId", InputErrorCodes.WrongType)]
    [InlineData("""{"runId":null,"messages":[]}""", "/runId", null)]
    [InlineData("""{}""", "", InputErrorCodes.MissingProperty)]
    public void MalformedOrMissing_IsStillAnError(string body, string path, string? code)
    {
        var result = Reader.Read(Utf8(body), "route-thread", "run_new");

        result.Input.Should().BeNull();
        result.Error!.Path.Should().Be(path);
        if (code is not null)
        {
            result.Error.Code.Should().Be(code);
        }
    }

    [Fact]
    public void WithoutGivenIds_AbsentIdsAreMissing()
    {
        var result = Reader.Read(Utf8("""{"messages":[]}"""));

        result.Error!.Code.Should().Be(InputErrorCodes.MissingProperty);
        result.Error.Message.Should().Contain("threadId");
    }

    private static ReadOnlyMemory<byte> Utf8(string json) => Encoding.UTF8.GetBytes(json);
}
