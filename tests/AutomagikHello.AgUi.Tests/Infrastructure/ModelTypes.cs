using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using AutomagikHello.AgUi.Serialization;

namespace AutomagikHello.AgUi.Tests.Infrastructure;

/// <summary>
/// Maps a schema definition name (a fixture folder name) to our CLR type, and reads and writes instances through the
/// source-generated <see cref="AgUiJsonContext"/> — through the polymorphic root when the type has one, so the
/// discriminator is read and written as on the wire.
/// </summary>
public static class ModelTypes
{
    /// <summary>The polymorphic roots, each with its discriminator property.</summary>
    public static readonly IReadOnlyList<Type> PolymorphicRoots =
        [typeof(AgUiEvent), typeof(Message), typeof(ContentPart), typeof(PartSource)];

    private static readonly Lazy<IReadOnlyDictionary<string, Type>> TypesByName = new(() =>
        typeof(AgUiEvent).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == typeof(AgUiEvent).Namespace && !t.IsNested)
            .ToDictionary(t => t.Name, StringComparer.Ordinal));

    /// <summary>The public type of the model namespace with that name, or <see langword="null"/>.</summary>
    public static Type? Find(string name) => TypesByName.Value.GetValueOrDefault(name);

    /// <summary>The public type of the model namespace with that name; fails with a clear message when there is none.</summary>
    public static Type Get(string name) =>
        Find(name) ?? throw new InvalidOperationException(
            $"The fixture folder '{name}' names no public type '{typeof(AgUiEvent).Namespace}.{name}' in {typeof(AgUiEvent).Assembly.GetName().Name}.");

    /// <summary>The type to (de)serialize <paramref name="type"/> through: its polymorphic root, or itself.</summary>
    public static Type SerializationRoot(Type type) =>
        PolymorphicRoots.FirstOrDefault(root => root.IsAssignableFrom(type)) ?? type;

    /// <summary>The source-generated metadata of <paramref name="type"/>; fails when the context does not know it.</summary>
    public static JsonTypeInfo TypeInfo(Type type) =>
        AgUiJsonContext.Default.GetTypeInfo(type)
        ?? throw new InvalidOperationException($"AgUiJsonContext has no metadata for {type.FullName}; add [JsonSerializable(typeof({type.Name}))].");

    /// <summary>Reads <paramref name="json"/> as the named type (through its root) and returns the instance.</summary>
    public static object? Deserialize(string json, Type type) =>
        JsonSerializer.Deserialize(json, TypeInfo(SerializationRoot(type)));

    /// <summary>Writes <paramref name="value"/> through the root of <paramref name="type"/>.</summary>
    public static JsonNode? SerializeToNode(object value, Type type) =>
        JsonSerializer.SerializeToNode(value, TypeInfo(SerializationRoot(type)));

    /// <summary>Writes <paramref name="value"/> through the root of <paramref name="type"/>, as UTF-8 bytes.</summary>
    public static byte[] SerializeToUtf8Bytes(object value, Type type) =>
        JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo(SerializationRoot(type)));
}
