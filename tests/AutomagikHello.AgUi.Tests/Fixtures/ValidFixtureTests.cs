using System.Text.Json.Nodes;
using AutomagikHello.AgUi.Tests.Infrastructure;

namespace AutomagikHello.AgUi.Tests.Fixtures;

/// <summary>
/// Every <c>valid/</c> document of the spec corpus (fixtures/ and reconstructed/, scanned at run time) reads into our
/// type of the folder's name, writes back to an equivalent JSON value, and what we write validates against the schema.
/// </summary>
public sealed class ValidFixtureTests
{
    public static TheoryData<string> ValidFixtures() => SpecFixtures.Ids(SpecFixtures.Valid());

    public static TheoryData<string> ValidEventFixtures() =>
        SpecFixtures.Ids(SpecFixtures.Valid().Where(f => ModelTypes.Find(f.TypeName) is { } t && typeof(AgUiEvent).IsAssignableFrom(t)));

    [Fact]
    public void ValidFixtureData_Scan_FindsFiles()
    {
        ValidFixtures().Should().NotBeEmpty();
        ValidEventFixtures().Should().NotBeEmpty();
    }

    [Theory]
    [MemberData(nameof(ValidFixtures))]
    public void ValidFixture_Deserialize_YieldsNamedType(string id)
    {
        var fixture = SpecFixtures.Get(id);
        var type = ModelTypes.Get(fixture.TypeName);

        var instance = ModelTypes.Deserialize(fixture.ReadText(), type);

        instance.Should().NotBeNull().And.BeOfType(type, "{0} is read through {1}", id, ModelTypes.SerializationRoot(type).Name);
    }

    [Theory]
    [MemberData(nameof(ValidFixtures))]
    public void ValidFixture_RoundTrip_WritesEquivalentJson(string id)
    {
        var fixture = SpecFixtures.Get(id);
        var type = ModelTypes.Get(fixture.TypeName);
        var instance = ModelTypes.Deserialize(fixture.ReadText(), type)!;

        var written = ModelTypes.SerializeToNode(instance, type);

        JsonTrees.ShouldBeEquivalent(written, fixture.ReadNode(), $"{type.Name} re-serialized from {id}");
    }

    [Theory]
    [MemberData(nameof(ValidFixtures))]
    public void ValidFixture_ReSerialized_ValidatesAgainstOwnDefinition(string id)
    {
        var fixture = SpecFixtures.Get(id);
        var type = ModelTypes.Get(fixture.TypeName);
        var instance = ModelTypes.Deserialize(fixture.ReadText(), type)!;

        var verdict = AgUiSchema.Validate(ModelTypes.SerializeToUtf8Bytes(instance, type), fixture.TypeName);

        verdict.IsValid.Should().BeTrue("our output for {0} must satisfy schema.json#{1}:{2}{3}", id, fixture.TypeName, Environment.NewLine, verdict.Describe());
    }

    [Theory]
    [MemberData(nameof(ValidEventFixtures))]
    public void ValidEventFixture_ReSerialized_ValidatesAgainstEventUnion(string id)
    {
        var fixture = SpecFixtures.Get(id);
        var type = ModelTypes.Get(fixture.TypeName);
        var instance = ModelTypes.Deserialize(fixture.ReadText(), type)!;

        var verdict = AgUiSchema.Validate(ModelTypes.SerializeToUtf8Bytes(instance, type), "Event");

        verdict.IsValid.Should().BeTrue("our output for {0} must satisfy the root union schema.json#Event:{1}{2}", id, Environment.NewLine, verdict.Describe());
    }

    [Theory]
    [MemberData(nameof(ValidFixtures))]
    public void ValidFixture_AsWritten_ValidatesAgainstOwnDefinition(string id)
    {
        // Guards the harness: a schema that did not load or an anchor that resolved to nothing would pass our output.
        var fixture = SpecFixtures.Get(id);

        var verdict = AgUiSchema.Validate(fixture.ReadNode(), fixture.TypeName);

        verdict.IsValid.Should().BeTrue("{0} is a valid fixture:{1}{2}", id, Environment.NewLine, verdict.Describe());
    }

    [Theory]
    [MemberData(nameof(ValidFixtures))]
    public void ValidFixture_WithUndeclaredMember_IsRejectedBySchema(string id)
    {
        // The upstream closure probe: every definition with a fixture is closed, so one extra member must fail it.
        var fixture = SpecFixtures.Get(id);
        var node = fixture.ReadNode();
        if (node is not JsonObject obj)
        {
            throw new InvalidOperationException($"{id} is not a JSON object.");
        }

        obj["xClosureProbe"] = true;
        var verdict = AgUiSchema.Validate(obj, fixture.TypeName);

        verdict.IsValid.Should().BeFalse("schema.json#{0} is closed, so {1} plus an undeclared member must be rejected", fixture.TypeName, id);
    }
}
