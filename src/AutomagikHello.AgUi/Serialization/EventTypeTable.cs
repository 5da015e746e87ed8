using System.Text;
using System.Text.Json.Serialization.Metadata;

namespace AutomagikHello.AgUi.Serialization;

/// <summary>
/// Per <see cref="AgUiEventType"/>: the wire name (as UTF-8) and the concrete type's source-generated metadata.
/// Serializing through the concrete metadata skips STJ's polymorphic dispatch, which allocates per call.
/// </summary>
internal static class EventTypeTable
{
    private static readonly (Type Type, string Name)[] Entries = BuildEntries();
    private static readonly byte[][] Utf8Names = Entries.Select(e => Encoding.UTF8.GetBytes(e.Name)).ToArray();
    private static readonly JsonTypeInfo[] TypeInfos = Entries.Select(e => AgUiJsonContext.Default.GetTypeInfo(e.Type)!).ToArray();

    public static string WireName(AgUiEventType type) => Entries[(int)type].Name;

    public static ReadOnlySpan<byte> Utf8WireName(AgUiEventType type) => Utf8Names[(int)type];

    public static JsonTypeInfo TypeInfo(AgUiEventType type) => TypeInfos[(int)type];

    public static Type ClrType(AgUiEventType type) => Entries[(int)type].Type;

    // The [JsonDerivedType] attributes on AgUiEvent are the single source of names; the enum indexes them.
    private static (Type, string)[] BuildEntries()
    {
        var entries = new (Type, string)[Enum.GetValues<AgUiEventType>().Length];
        foreach (var derived in AgUiJsonContext.Default.AgUiEvent.PolymorphismOptions!.DerivedTypes)
        {
            var name = (string)derived.TypeDiscriminator!;
            var type = Enum.Parse<AgUiEventType>(name.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true);
            entries[(int)type] = (derived.DerivedType, name);
        }

        return entries;
    }
}
