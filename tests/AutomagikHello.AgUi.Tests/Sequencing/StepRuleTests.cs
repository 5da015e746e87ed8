using static AutomagikHello.AgUi.Tests.Sequencing.Ev;

namespace AutomagikHello.AgUi.Tests.Sequencing;

/// <summary>Rules 28 to 30: steps, matched by name per owner.</summary>
public sealed class StepRuleTests
{
    // Rule 28
    [Fact]
    public void Check_SameStepNameOpenForParentAndSubagent_Passes() =>
        GuardAssert.Legal(
            RunStarted(), SubagentStarted("s1"), StepStarted("plan"), StepStarted("plan", "s1"),
            StepFinished("plan", "s1"), StepFinished("plan"), SubagentFinished("s1"), RunFinished());

    [Fact]
    public void Check_StepStartedTwice_ReportsRule28() =>
        GuardAssert.Violates(28, RunStarted(), StepStarted("plan"), StepStarted("plan"));

    [Fact]
    public void Check_StepRestartedAfterFinishing_Passes() =>
        GuardAssert.Legal(RunStarted(), StepStarted("plan"), StepFinished("plan"), StepStarted("plan"), StepFinished("plan"), RunFinished());

    // Rule 29
    [Fact]
    public void Check_StepFinishedForUnstartedStep_ReportsRule29() =>
        GuardAssert.Violates(29, RunStarted(), StepFinished("plan"));

    [Fact]
    public void Check_StepFinishedTwice_ReportsRule29() =>
        GuardAssert.Violates(29, RunStarted(), StepStarted("plan"), StepFinished("plan"), StepFinished("plan"));

    [Fact]
    public void Check_UntaggedStepFinishedForSubagentStep_ReportsRule29() =>
        GuardAssert.Violates(29, RunStarted(), SubagentStarted("s1"), StepStarted("plan", "s1"), StepFinished("plan"));

    // Rule 30 is permissive: steps overlap each other and anything else. The contrast: an overlapping step
    // still open at RUN_FINISHED breaks rule 11.
    [Fact]
    public void Check_OverlappingStepsFinishedInAnyOrder_Passes() =>
        GuardAssert.Legal(
            RunStarted(), StepStarted("a"), TextStart("m1"), StepStarted("b"), StepFinished("a"), TextEnd("m1"), StepFinished("b"), RunFinished());

    [Fact]
    public void Check_OverlappingStepLeftOpen_ReportsRule11() =>
        GuardAssert.Violates(11, RunStarted(), StepStarted("a"), StepStarted("b"), StepFinished("a"), RunFinished());
}
