using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// Describes <see cref="MessageContent"/> in OpenAPI documents: a string, or an array of content parts (one of
/// text, image, audio, video, document, told apart by <c>type</c>). Its JSON converter leaves the generator nothing to
/// read, so without this the schema is empty. <c>AddAgUi</c> registers it for every OpenAPI document.
/// </summary>
internal sealed class MessageContentSchemaTransformer : IOpenApiSchemaTransformer
{
    public async Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type != typeof(MessageContent))
        {
            return;
        }

        var parts = await context.GetOrCreateSchemaAsync(typeof(IReadOnlyList<ContentPart>), null, cancellationToken).ConfigureAwait(false);
        schema.Type = null;
        schema.OneOf =
        [
            new OpenApiSchema { Type = JsonSchemaType.String, Description = "Plain text." },
            parts,
        ];
        schema.Description ??= "The content: a string, or an array of content parts (text, image, audio, video, document), each discriminated by its type.";
    }
}
