using System.Text.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.Serialization;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.Runs;

/// <summary>How a run ended is said once (<see cref="RunEndKind"/>); the wire, the store and telemetry derive from it.</summary>
public sealed class RunEndKindTests
{
    public static TheoryData<RunFinishedOutcome> Outcomes() => new()
    {
        RunFinishedOutcome.Success,
        new SuccessOutcome { PendingToolCallIds = ["call-1"] },
        new InterruptOutcome { Interrupts = [new Interrupt { Id = "i1", Reason = "approval" }] },
        RunFinishedOutcome.Cancelled,
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void Outcome_Kind_IsTheWireTypeAndIsNotSerialised(RunFinishedOutcome outcome)
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(outcome, AgUiJson.Options))!.AsObject();

        ((string?)json["type"]).Should().Be(outcome.Kind.ToWireName());
        json.ContainsKey("kind").Should().BeFalse();
    }

    [Theory]
    [InlineData(RunEndKind.Success, RunCompletion.Succeeded)]
    [InlineData(RunEndKind.Interrupt, RunCompletion.Interrupted)]
    [InlineData(RunEndKind.Cancelled, RunCompletion.Cancelled)]
    [InlineData(RunEndKind.Error, RunCompletion.Failed)]
    [InlineData(RunEndKind.Aborted, RunCompletion.Failed)]
    public void ToCompletion_OnlyAFinishedRunConsumesItsClaims(RunEndKind kind, RunCompletion completion) =>
        kind.ToCompletion().Should().Be(completion);

    [Fact]
    public void ToWireName_EveryKind_HasItsOwnName() =>
        Enum.GetValues<RunEndKind>().Select(k => k.ToWireName()).Should().OnlyHaveUniqueItems().And.Equal("success", "interrupt", "cancelled", "error", "aborted");
}
