using AutomagikHello.AgUi.Sequencing;
using static AutomagikHello.AgUi.Tests.Sequencing.Ev;

namespace AutomagikHello.AgUi.Tests.Sequencing;

/// <summary>Rules 40 to 43: the RUN_FINISHED outcome.</summary>
public sealed class OutcomeRuleTests
{
    private static EventSequenceGuard WithFrontendTool(params Message[] history) => EventSequenceGuard.For(new RunAgentInput
    {
        ThreadId = "t1",
        RunId = "r1",
        Messages = history,
        Tools = [new Tool { Name = "confirm", Description = "Asks the user" }],
    });

    // Rule 40
    [Fact]
    public void Check_InterruptOutcomeWithUniqueInterrupts_Passes() =>
        GuardAssert.Legal(RunStarted(), ToolStart("c1"), ToolEnd("c1"), RunFinished(outcome: Interrupts("i1", "i2")));

    [Fact]
    public void Check_InterruptOutcomeWithoutInterrupts_ReportsRule40() =>
        GuardAssert.Violates(40, RunStarted(), RunFinished(outcome: Interrupts()));

    [Fact]
    public void Check_InterruptOutcomeWithDuplicateIds_ReportsRule40()
    {
        var violation = GuardAssert.Violates(40, RunStarted(), RunFinished(outcome: Interrupts("i1", "i2", "i1")));

        violation.Message.Should().Contain("'i1'");
    }

    // Rule 41
    [Fact]
    public void Check_PendingToolCallIdsListingUnansweredCallsInStartOrder_Passes() =>
        GuardAssert.Legal(
            WithFrontendTool(),
            RunStarted(), ToolStart("c1", "confirm"), ToolEnd("c1"), ToolStart("c2", "search"), ToolEnd("c2"), ToolResult("tm2", "c2"),
            ToolChunk("c3", "confirm"), RunFinished(outcome: Pending("c1", "c3")));

    [Fact]
    public void Check_EmptyOrAbsentPendingToolCallIds_Passes() =>
        GuardAssert.Legal(
            RunStarted("r0"), ToolStart("c1"), ToolEnd("c1"), RunFinished("r0", outcome: Pending()),
            RunStarted("r1"), ToolStart("c2"), ToolEnd("c2"), RunFinished("r1", outcome: RunFinishedOutcome.Success));

    [Fact]
    public void Check_PendingToolCallIdsInWrongOrder_ReportsRule41() =>
        GuardAssert.Violates(41, RunStarted(), ToolStart("c1"), ToolEnd("c1"), ToolStart("c2"), ToolEnd("c2"), RunFinished(outcome: Pending("c2", "c1")));

    [Fact]
    public void Check_PendingToolCallIdsIncludingAnsweredCall_ReportsRule41() =>
        GuardAssert.Violates(41, RunStarted(), ToolStart("c1"), ToolEnd("c1"), ToolResult("tm1", "c1"), ToolStart("c2"), ToolEnd("c2"), RunFinished(outcome: Pending("c1", "c2")));

    [Fact]
    public void Check_PendingToolCallIdsMissingCall_ReportsRule41() =>
        GuardAssert.Violates(41, RunStarted(), ToolStart("c1"), ToolEnd("c1"), ToolStart("c2"), ToolEnd("c2"), RunFinished(outcome: Pending("c1")));

    // Rule 42
    [Fact]
    public void Check_ResultForBackendToolOnly_Passes() =>
        GuardAssert.Legal(
            WithFrontendTool(),
            RunStarted(), ToolStart("c1", "search"), ToolEnd("c1"), ToolResult("tm1", "c1"), ToolStart("c2", "confirm"), ToolEnd("c2"),
            RunFinished(outcome: Pending("c2")));

    [Fact]
    public void Check_ResultForFrontendToolCall_ReportsRule42() =>
        GuardAssert.Violates(WithFrontendTool(), 42, RunStarted(), ToolStart("c1", "confirm"), ToolEnd("c1"), ToolResult("tm1", "c1"));

    [Fact]
    public void Check_ResultForFrontendToolCallOfEarlierRunOnStream_ReportsRule42() =>
        GuardAssert.Violates(WithFrontendTool(), 42,
            RunStarted("r0"), ToolChunk("c1", "confirm"), RunFinished("r0"), RunStarted("r1"), ToolResult("tm1", "c1"));

    [Fact]
    public void Check_ResultForFrontendToolCallInHistory_ReportsRule42()
    {
        var history = new AssistantMessage
        {
            Id = "h1",
            ToolCalls = [new ToolCall { Id = "c1", Function = new FunctionCall { Name = "confirm", Arguments = "{}" } }],
        };

        GuardAssert.Violates(WithFrontendTool(history), 42, RunStarted(), ToolResult("tm1", "c1"));
    }

    [Fact]
    public void Check_ResultForBackendToolCallInHistory_Passes()
    {
        var history = new AssistantMessage
        {
            Id = "h1",
            ToolCalls = [new ToolCall { Id = "c1", Function = new FunctionCall { Name = "search", Arguments = "{}" } }],
        };

        GuardAssert.Legal(WithFrontendTool(history), RunStarted(), ToolResult("tm1", "c1"), RunFinished());
    }

    // Rule 43
    [Fact]
    public void Check_EveryDefinedOutcome_Passes() =>
        GuardAssert.Legal(
            RunStarted("r0"), RunFinished("r0", outcome: RunFinishedOutcome.Success),
            RunStarted("r1"), RunFinished("r1", outcome: RunFinishedOutcome.Cancelled),
            RunStarted("r2"), RunFinished("r2", outcome: Interrupts("i1")),
            RunStarted("r3"), RunFinished("r3"));

    [Fact]
    public void Check_UndefinedOutcomeVariant_ReportsRule43() =>
        GuardAssert.Violates(43, RunStarted(), RunFinished(outcome: new SuspendedOutcome()));

    /// <summary>Not a 1.0 outcome. Deriving is possible only from a friend assembly (the base constructor is private protected).</summary>
    private sealed class SuspendedOutcome : RunFinishedOutcome
    {
    }
}
