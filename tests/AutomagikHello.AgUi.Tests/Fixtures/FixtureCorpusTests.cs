using AutomagikHello.AgUi.Tests.Infrastructure;

namespace AutomagikHello.AgUi.Tests.Fixtures;

/// <summary>The corpus itself: it is there, and every folder it names is a type of ours.</summary>
public sealed class FixtureCorpusTests
{
    [Fact]
    public void FixtureCorpus_ValidFolders_ContainFiles()
    {
        // The upstream 1.0 corpus has 135 valid documents (134 in fixtures/, 1 in reconstructed/); zero must fail.
        SpecFixtures.Valid().Should().HaveCountGreaterThanOrEqualTo(135);
    }

    [Fact]
    public void FixtureCorpus_InvalidFolders_ContainFiles()
    {
        SpecFixtures.Invalid().Should().HaveCountGreaterThanOrEqualTo(84);
    }

    [Fact]
    public void FixtureCorpus_TypeFolders_AreFound()
    {
        SpecFixtures.TypeNames().Should().HaveCountGreaterThanOrEqualTo(42);
    }

    [Fact]
    public void FixtureCorpus_EveryTypeFolder_MapsToClrType()
    {
        var unmapped = SpecFixtures.TypeNames().Where(name => ModelTypes.Find(name) is null).ToList();

        unmapped.Should().BeEmpty(
            "every fixture folder names a schema definition that must have a public type of the same name in {0}",
            typeof(AgUiEvent).Namespace);
    }

    [Fact]
    public void FixtureCorpus_EveryTypeFolder_IsSchemaDefinition()
    {
        var unknown = SpecFixtures.TypeNames().Except(AgUiSchema.DefinitionNames).ToList();

        unknown.Should().BeEmpty("every fixture folder is addressed as schema.json#<folder name>");
    }

    [Fact]
    public void FixtureCorpus_EveryInvalidDocument_HasExpectation()
    {
        var missing = SpecFixtures.Invalid().Where(f => SpecFixtures.FindExpectation(f) is null).Select(f => f.Id).ToList();

        missing.Should().BeEmpty("each invalid document names the rule that rejects it in a .expect.json (fixtures/ or reconstructed/)");
    }

    [Fact]
    public void FixtureCorpus_Manifest_MatchesFilesOnDisk()
    {
        var manifest = File.ReadAllLines(Path.Combine(SpecFiles.FixturesDirectory, "MANIFEST.txt"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToHashSet(StringComparer.Ordinal);
        var onDisk = new[] { SpecFiles.FixturesDirectory, SpecFiles.ReconstructedDirectory }
            .Where(Directory.Exists)
            .SelectMany(root => Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
                .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/')))
            .ToHashSet(StringComparer.Ordinal);

        manifest.Should().NotBeEmpty();
        onDisk.Except(manifest).Should().BeEmpty("every fixture file on disk is listed in MANIFEST.txt");
        manifest.Except(onDisk).Should().BeEmpty("every MANIFEST.txt entry is present in fixtures/ or reconstructed/");
    }
}
