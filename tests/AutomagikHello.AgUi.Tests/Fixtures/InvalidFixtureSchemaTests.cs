using AutomagikHello.AgUi.Tests.Infrastructure;

namespace AutomagikHello.AgUi.Tests.Fixtures;

/// <summary>
/// Every <c>invalid/</c> document fails its folder's definition, with an error at or below the instance location its
/// <c>.expect.json</c> names. (Keywords and keyword paths are ajv's: JsonSchema.Net reports a failed union by its
/// branches and an undeclared member at the member, so only the location is compared.) This keeps the schema harness
/// honest: a validator that accepted everything would make every output-validation test pass.
/// </summary>
public sealed class InvalidFixtureSchemaTests
{
    public static TheoryData<string> InvalidFixtures() => SpecFixtures.Ids(SpecFixtures.Invalid());

    [Fact]
    public void InvalidFixtureData_Scan_FindsFiles()
    {
        InvalidFixtures().Should().NotBeEmpty();
    }

    [Theory]
    [MemberData(nameof(InvalidFixtures))]
    public void InvalidFixture_Validate_IsRejectedByOwnDefinition(string id)
    {
        var fixture = SpecFixtures.Get(id);

        var verdict = AgUiSchema.Validate(fixture.ReadNode(), fixture.TypeName);

        verdict.IsValid.Should().BeFalse("{0} must fail schema.json#{1}", id, fixture.TypeName);
    }

    [Theory]
    [MemberData(nameof(InvalidFixtures))]
    public void InvalidFixture_Validate_ReportsErrorWithinExpectedInstanceLocation(string id)
    {
        var fixture = SpecFixtures.Get(id);
        var expectation = SpecFixtures.FindExpectation(fixture)
            ?? throw new InvalidOperationException($"{id} has no .expect.json in fixtures/ or reconstructed/.");

        var verdict = AgUiSchema.Validate(fixture.ReadNode(), fixture.TypeName);

        verdict.IsValid.Should().BeFalse();
        verdict.Errors.Select(e => e.InstanceLocation).Should().Contain(
            location => JsonTrees.PointerStartsWith(location, expectation.InstanceLocation),
            "{0} names keyword '{1}' at '{2}'; reported:{3}{4}",
            expectation.Id, expectation.Keyword, expectation.InstanceLocation, Environment.NewLine, verdict.Describe());
    }
}
