using Microsoft.Data.Sqlite;

namespace AutomagikHello.AgUi.Sqlite.Tests;

/// <summary>A folder under the temp path for database files, deleted (with the stores that use it) on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "agui-sqlite-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public SqliteThreadStoreOptions Options(string name = "threads.db", Action<SqliteThreadStoreOptions>? configure = null)
    {
        var options = new SqliteThreadStoreOptions { ConnectionString = $"Data Source={File(name)}" };
        configure?.Invoke(options);
        return options;
    }

    public SqliteThreadStore Store(SqliteThreadStoreOptions options) => Own(new SqliteThreadStore(options));

    public SqliteThreadStore Store(string name = "threads.db") => Store(Options(name));

    public T Own<T>(T disposable)
        where T : IDisposable
    {
        lock (_owned)
        {
            _owned.Add(disposable);
        }

        return disposable;
    }

    public void Dispose()
    {
        lock (_owned)
        {
            foreach (var item in _owned)
            {
                item.Dispose();
            }

            _owned.Clear();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still open elsewhere is left to the temp folder's own cleaning.
        }
    }
}
