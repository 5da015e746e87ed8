namespace AutomagikHello.AgUi.Tests.Infrastructure;

/// <summary>
/// Locates the shared AG-UI 1.0 spec folder (schema + fixtures): <c>AGUI_SPEC_DIR</c> when set, otherwise
/// <c>../shared/agui-spec</c> beside the repository. Missing folders fail the test rather than pass on nothing.
/// </summary>
public static class SpecFiles
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string SpecDirectory => Root.Value;

    public static string SchemaPath => Path.Combine(SpecDirectory, "schema.json");

    public static string FixturesDirectory => Path.Combine(SpecDirectory, "fixtures");

    public static string ReconstructedDirectory => Path.Combine(SpecDirectory, "reconstructed");

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AutomagikHello.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("AutomagikHello.sln not found above " + AppContext.BaseDirectory);
        }
    }

    private static string FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("AGUI_SPEC_DIR");
        var candidate = !string.IsNullOrEmpty(fromEnv)
            ? fromEnv
            : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "agui-spec"));
        if (!Directory.Exists(Path.Combine(candidate, "fixtures")) || !File.Exists(Path.Combine(candidate, "schema.json")))
        {
            throw new DirectoryNotFoundException(
                $"The AG-UI spec folder was not found at '{candidate}' (expected schema.json and fixtures/). " +
                "Set AGUI_SPEC_DIR or place the shared folder beside the repository.");
        }

        return candidate;
    }
}
