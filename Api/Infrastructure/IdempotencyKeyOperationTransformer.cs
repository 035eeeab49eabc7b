using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Supporter.Api.Infrastructure;

/// <summary>
/// Declares the idempotency header on every operation marked <see cref="Idempotency.RequireIdempotencyKey"/>: the
/// handler takes the key through its own binding, which the document generator cannot see.
/// </summary>
internal sealed class IdempotencyKeyOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IdempotencyKeyMetadata>().LastOrDefault() is not { } keyed)
            return Task.CompletedTask;
        operation.Parameters ??= [];
        // Where X-Request-Id is accepted too, either header will do, so neither alone is required.
        operation.Parameters.Add(Parameter(Idempotency.Header, required: !keyed.AcceptsRequestId, deprecated: false,
            keyed.AcceptsRequestId ? $"{Idempotency.Rule} {Idempotency.RequestIdHeader} is accepted instead." : Idempotency.Rule));
        if (keyed.AcceptsRequestId)
        {
            operation.Parameters.Add(Parameter(Idempotency.RequestIdHeader, required: false, deprecated: true,
                $"The older name of {Idempotency.Header}, with the same meaning; if both are sent they must be equal."));
        }
        return Task.CompletedTask;
    }

    private static OpenApiParameter Parameter(string name, bool required, bool deprecated, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = required,
        Deprecated = deprecated,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Idempotency.MaxLength, Pattern = "^[!-~]+$" },
    };
}

public static class IdempotencyOpenApiExtensions
{
    /// <summary>Adds the idempotency header to the operations that need it.</summary>
    public static OpenApiOptions AddIdempotencyKeyHeaders(this OpenApiOptions options) =>
        options.AddOperationTransformer<IdempotencyKeyOperationTransformer>();
}
