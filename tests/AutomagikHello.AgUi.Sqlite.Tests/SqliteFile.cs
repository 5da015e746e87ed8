using Microsoft.Data.Sqlite;

namespace AutomagikHello.AgUi.Sqlite.Tests;

/// <summary>Looks into a database file directly, on a connection of its own, as an operator's tool would.</summary>
internal static class SqliteFile
{
    public static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
