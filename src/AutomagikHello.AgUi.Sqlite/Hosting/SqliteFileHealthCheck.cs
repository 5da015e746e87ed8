using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>
/// Whether the SQLite file can still be opened and read as the store's database, on a new connection: the store's
/// own connections stay open and can keep serving pages from the write-ahead log after the file itself was overwritten
/// or removed, so only a fresh open finds out before the next restart does. The AG-UI thread-store health check
/// (<c>AddHealthChecks().AddAgUiThreadStore()</c>) runs it after its read through the store.
/// </summary>
internal sealed class SqliteFileHealthCheck(IOptions<SqliteThreadStoreOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var connectionString = new SqliteConnectionStringBuilder(options.Value.ConnectionString)
        {
            Mode = SqliteOpenMode.ReadWrite, // never create a missing file here
            Pooling = false,
        }.ToString();
        try
        {
            var connection = new SqliteConnection(connectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT version FROM schema_version WHERE id = 1;";
                var version = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return version is long found && found == SqliteThreadStore.SchemaVersion
                    ? HealthCheckResult.Healthy("The SQLite file opens and holds the thread store's schema.")
                    : new HealthCheckResult(context.Registration.FailureStatus, $"The SQLite file holds schema version {version ?? "none"}, not {SqliteThreadStore.SchemaVersion}.");
            }
        }
        catch (SqliteException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The SQLite file cannot be opened and read: {ex.Message}", ex);
        }
    }
}
