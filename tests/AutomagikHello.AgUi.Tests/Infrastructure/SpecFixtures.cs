using System.Text.Json.Nodes;

namespace AutomagikHello.AgUi.Tests.Infrastructure;

/// <summary>One fixture document of the spec corpus.</summary>
/// <param name="Id">The path relative to the spec folder with forward slashes, e.g. <c>fixtures/Tool/valid/minimal.json</c>.</param>
/// <param name="TypeName">The folder name: a definition name of the schema and the name of our CLR type.</param>
/// <param name="IsValid">Whether the document sits in <c>valid/</c> (must be accepted) or <c>invalid/</c>.</param>
/// <param name="FullPath">The absolute path of the document.</param>
public sealed record SpecFixture(string Id, string TypeName, bool IsValid, string FullPath)
{
    /// <summary>The document's text.</summary>
    public string ReadText() => File.ReadAllText(FullPath);

    /// <summary>The document as a JSON tree.</summary>
    public JsonNode? ReadNode() => JsonNode.Parse(ReadText());

    /// <inheritdoc />
    public override string ToString() => Id;
}

/// <summary>The <c>*.expect.json</c> beside an invalid document: which rule rejects it.</summary>
public sealed record SpecExpectation(string Keyword, string InstanceLocation, string KeywordLocation, string Id)
{
    /// <summary>Whether the document's only problem is a member the definition does not declare.</summary>
    public bool IsUndeclaredMemberOnly => Keyword is "unevaluatedProperties" or "additionalProperties";
}

/// <summary>
/// Scans the spec corpus at run time: <c>fixtures/&lt;Type&gt;/{valid,invalid}/*.json</c> and the same layout under
/// <c>reconstructed/</c>. A new fixture file is picked up without code changes.
/// </summary>
public static class SpecFixtures
{
    private static readonly string[] Roots = ["fixtures", "reconstructed"];

    /// <summary>Every type folder name found under <c>fixtures/</c> or <c>reconstructed/</c>, sorted.</summary>
    public static IReadOnlyList<string> TypeNames() =>
        Roots
            .Select(root => Path.Combine(SpecFiles.SpecDirectory, root))
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateDirectories)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Every fixture document (not the <c>.expect.json</c> files), sorted by id.</summary>
    public static IReadOnlyList<SpecFixture> All()
    {
        var result = new List<SpecFixture>();
        foreach (var root in Roots)
        {
            var rootDir = Path.Combine(SpecFiles.SpecDirectory, root);
            if (!Directory.Exists(rootDir))
            {
                continue;
            }

            foreach (var typeDir in Directory.EnumerateDirectories(rootDir))
            {
                var typeName = Path.GetFileName(typeDir);
                foreach (var (kind, isValid) in new[] { ("valid", true), ("invalid", false) })
                {
                    var dir = Path.Combine(typeDir, kind);
                    if (!Directory.Exists(dir))
                    {
                        continue;
                    }

                    foreach (var file in Directory.EnumerateFiles(dir, "*.json"))
                    {
                        if (file.EndsWith(".expect.json", StringComparison.Ordinal))
                        {
                            continue;
                        }

                        var id = $"{root}/{typeName}/{kind}/{Path.GetFileName(file)}";
                        result.Add(new SpecFixture(id, typeName, isValid, file));
                    }
                }
            }
        }

        return result.OrderBy(f => f.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every document in a <c>valid/</c> folder.</summary>
    public static IReadOnlyList<SpecFixture> Valid() => All().Where(f => f.IsValid).ToList();

    /// <summary>Every document in an <c>invalid/</c> folder.</summary>
    public static IReadOnlyList<SpecFixture> Invalid() => All().Where(f => !f.IsValid).ToList();

    /// <summary>The fixture with the given id (as produced by <see cref="SpecFixture.Id"/>).</summary>
    public static SpecFixture Get(string id)
    {
        var parts = id.Split('/');
        if (parts.Length != 4 || !Roots.Contains(parts[0]) || parts[2] is not ("valid" or "invalid"))
        {
            throw new ArgumentException($"Not a fixture id: '{id}'.", nameof(id));
        }

        var fullPath = Path.Combine(SpecFiles.SpecDirectory, parts[0], parts[1], parts[2], parts[3]);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"Fixture '{id}' not found at '{fullPath}'.", fullPath);
        }

        return new SpecFixture(id, parts[1], parts[2] == "valid", fullPath);
    }

    /// <summary>
    /// The expectation of an invalid document: <c>&lt;name&gt;.expect.json</c> beside it, or at the same place in the
    /// other root (a few documents have their expectation only in <c>reconstructed/</c>, or the reverse).
    /// </summary>
    public static SpecExpectation? FindExpectation(SpecFixture fixture)
    {
        if (fixture.IsValid)
        {
            return null;
        }

        var name = Path.GetFileNameWithoutExtension(fixture.FullPath) + ".expect.json";
        foreach (var root in Roots)
        {
            var path = Path.Combine(SpecFiles.SpecDirectory, root, fixture.TypeName, "invalid", name);
            if (!File.Exists(path))
            {
                continue;
            }

            var node = JsonNode.Parse(File.ReadAllText(path))
                ?? throw new InvalidDataException($"Empty expectation file '{path}'.");
            return new SpecExpectation(
                (string?)node["keyword"] ?? throw new InvalidDataException($"No keyword in '{path}'."),
                (string?)node["instanceLocation"] ?? throw new InvalidDataException($"No instanceLocation in '{path}'."),
                (string?)node["keywordLocation"] ?? string.Empty,
                $"{root}/{fixture.TypeName}/invalid/{name}");
        }

        return null;
    }

    /// <summary>Theory rows of fixture ids.</summary>
    public static TheoryData<string> Ids(IEnumerable<SpecFixture> fixtures)
    {
        var data = new TheoryData<string>();
        foreach (var fixture in fixtures)
        {
            data.Add(fixture.Id);
        }

        return data;
    }
}
