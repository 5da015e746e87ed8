using System.Text.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.Input;
using AutomagikHello.AgUi.Serialization;
using AutomagikHello.AgUi.Tests.Infrastructure;

namespace AutomagikHello.AgUi.Tests.Fixtures;

/// <summary>
/// The strict reader against the input-side fixtures (RunAgentInput and what travels in it: messages, content parts,
/// part sources, tools, context and resume entries), each placed where it belongs in a minimal RunAgentInput
/// (<see cref="InputEnvelope"/>). Valid documents are accepted and written back equivalent; invalid ones are rejected
/// in strict mode at the fixture's location; those whose only fault is an undeclared member are accepted, stripped and
/// warned about in the default mode.
/// </summary>
public sealed class InputFixtureReaderTests
{
    private const string ClosureProbe = "xClosureProbe";

    private static readonly RunAgentInputReaderOptions Strict = new() { UnknownMembers = UnknownMemberHandling.Reject };

    public static TheoryData<string> ValidInputFixtures() =>
        SpecFixtures.Ids(SpecFixtures.Valid().Where(f => InputEnvelope.IsInputSide(f.TypeName)));

    public static TheoryData<string> InvalidInputFixtures() =>
        SpecFixtures.Ids(SpecFixtures.Invalid().Where(f => InputEnvelope.IsInputSide(f.TypeName)));

    public static TheoryData<string> UndeclaredMemberInputFixtures() =>
        SpecFixtures.Ids(SpecFixtures.Invalid().Where(f =>
            InputEnvelope.IsInputSide(f.TypeName) && SpecFixtures.FindExpectation(f) is { IsUndeclaredMemberOnly: true }));

    [Fact]
    public void InputFixtureData_Scan_FindsEveryInputSideKind()
    {
        ValidInputFixtures().Should().NotBeEmpty();
        InvalidInputFixtures().Should().NotBeEmpty();
        UndeclaredMemberInputFixtures().Should().NotBeEmpty();
        SpecFixtures.TypeNames().Where(InputEnvelope.IsInputSide).Should().Contain(
            ["RunAgentInput", "UserMessage", "ToolMessage", "Tool", "ResumeEntry", "FileSource"]);
    }

    [Theory]
    [MemberData(nameof(ValidInputFixtures))]
    public void Reader_ValidInputFixture_AcceptedWithoutWarningsAndWritesBackEquivalent(string id)
    {
        var fixture = SpecFixtures.Get(id);
        var envelope = InputEnvelope.Wrap(fixture.TypeName, fixture.ReadNode());

        var result = new RunAgentInputReader().Read(envelope.ToUtf8Bytes());

        result.Succeeded.Should().BeTrue("{0} at '{1}' is valid; the reader said: {2}", id, envelope.Location, result.Error);
        result.Warnings.Should().BeEmpty("a valid 1.0 document has nothing to strip or translate");
        JsonTrees.ShouldBeEquivalent(
            JsonSerializer.SerializeToNode(result.Input!, AgUiJsonContext.Default.RunAgentInput),
            envelope.Document,
            $"the input read from {id} (at '{envelope.Location}')");
    }

    [Theory]
    [MemberData(nameof(ValidInputFixtures))]
    public void Reader_ValidInputFixtureInStrictMode_Accepted(string id)
    {
        var fixture = SpecFixtures.Get(id);
        var envelope = InputEnvelope.Wrap(fixture.TypeName, fixture.ReadNode());

        var result = new RunAgentInputReader(Strict).Read(envelope.ToUtf8Bytes());

        result.Succeeded.Should().BeTrue("{0} declares no unknown member, so strict mode accepts it; the reader said: {1}", id, result.Error);
    }

    [Theory]
    [MemberData(nameof(InvalidInputFixtures))]
    public void Reader_InvalidInputFixtureInStrictMode_RejectedAtFixtureLocation(string id)
    {
        var fixture = SpecFixtures.Get(id);
        var expectation = SpecFixtures.FindExpectation(fixture)
            ?? throw new InvalidOperationException($"{id} has no .expect.json in fixtures/ or reconstructed/.");
        var envelope = InputEnvelope.Wrap(fixture.TypeName, fixture.ReadNode());
        var expectedPrefix = envelope.Location + expectation.InstanceLocation;

        var result = new RunAgentInputReader(Strict).Read(envelope.ToUtf8Bytes());

        result.Succeeded.Should().BeFalse("{0} (placed at '{1}') must be rejected: {2} at '{3}'", id, envelope.Location, expectation.Keyword, expectation.InstanceLocation);
        JsonTrees.PointerStartsWith(result.Error!.Path, envelope.Location).Should().BeTrue(
            "the error must point into the fixture at '{0}', got {1}", envelope.Location, result.Error);
        JsonTrees.PointerStartsWith(result.Error.Path, expectedPrefix).Should().BeTrue(
            "{0} names '{1}' at '{2}', so the error must point at or below '{3}', got {4}",
            expectation.Id, expectation.Keyword, expectation.InstanceLocation, expectedPrefix, result.Error);
        if (expectation.IsUndeclaredMemberOnly)
        {
            result.Error.Code.Should().Be(InputErrorCodes.UnknownProperty);
        }
    }

    [Theory]
    [MemberData(nameof(UndeclaredMemberInputFixtures))]
    public void Reader_UndeclaredMemberFixtureInDefaultMode_AcceptedStrippedAndWarned(string id)
    {
        var fixture = SpecFixtures.Get(id);
        var expectation = SpecFixtures.FindExpectation(fixture)!;
        var envelope = InputEnvelope.Wrap(fixture.TypeName, fixture.ReadNode());
        var expectedPrefix = envelope.Location + expectation.InstanceLocation;

        var result = new RunAgentInputReader().Read(envelope.ToUtf8Bytes());

        result.Succeeded.Should().BeTrue("{0}'s only fault is an undeclared member, which the default mode strips; the reader said: {1}", id, result.Error);
        var stripped = result.Warnings.Where(w => w.Code == InputWarningCodes.UnknownPropertyStripped).ToList();
        stripped.Should().NotBeEmpty("stripping {0} must be reported as {1}", id, InputWarningCodes.UnknownPropertyStripped);
        stripped.Should().OnlyContain(w => JsonTrees.PointerStartsWith(w.Path, expectedPrefix), "the stripped members lie at or below '{0}'", expectedPrefix);

        var expected = envelope.Document.DeepClone();
        foreach (var warning in stripped)
        {
            JsonTrees.Remove(expected, warning.Path).Should().BeTrue("warning {0} names a member of the document", warning);
        }

        JsonTrees.ShouldBeEquivalent(
            JsonSerializer.SerializeToNode(result.Input!, AgUiJsonContext.Default.RunAgentInput),
            expected,
            $"the input read from {id} with the reported members stripped");
    }

    [Theory]
    [MemberData(nameof(ValidInputFixtures))]
    public void Reader_ValidInputFixtureWithUndeclaredMemberInStrictMode_RejectedAtMember(string id)
    {
        var fixture = SpecFixtures.Get(id);
        var envelope = InputEnvelope.Wrap(fixture.TypeName, WithProbe(fixture));

        var result = new RunAgentInputReader(Strict).Read(envelope.ToUtf8Bytes());

        result.Succeeded.Should().BeFalse("every input-side object is closed, so '{0}' on {1} must be rejected in strict mode", ClosureProbe, id);
        result.Error!.Code.Should().Be(InputErrorCodes.UnknownProperty);
        result.Error.Path.Should().Be(envelope.Location + "/" + ClosureProbe);
    }

    [Theory]
    [MemberData(nameof(ValidInputFixtures))]
    public void Reader_ValidInputFixtureWithUndeclaredMemberInDefaultMode_StrippedAndWarned(string id)
    {
        var fixture = SpecFixtures.Get(id);
        var original = InputEnvelope.Wrap(fixture.TypeName, fixture.ReadNode());
        var envelope = InputEnvelope.Wrap(fixture.TypeName, WithProbe(fixture));

        var result = new RunAgentInputReader().Read(envelope.ToUtf8Bytes());

        result.Succeeded.Should().BeTrue("an undeclared member is stripped, not fatal, by default; the reader said: {0}", result.Error);
        result.Warnings.Should().ContainSingle(w => w.Code == InputWarningCodes.UnknownPropertyStripped)
            .Which.Path.Should().Be(envelope.Location + "/" + ClosureProbe);
        JsonTrees.ShouldBeEquivalent(
            JsonSerializer.SerializeToNode(result.Input!, AgUiJsonContext.Default.RunAgentInput),
            original.Document,
            $"the input read from {id} plus '{ClosureProbe}'");
    }

    private static JsonNode WithProbe(SpecFixture fixture)
    {
        var node = fixture.ReadNode() as JsonObject ?? throw new InvalidOperationException($"{fixture.Id} is not a JSON object.");
        node[ClosureProbe] = true;
        return node;
    }
}
