using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.OpenApi;

namespace Supporter.Api.Infrastructure;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>, read at <c>/docs</c>): a title, the bearer scheme, and on every
/// operation that needs a token its security requirement. The problem statuses come from <see cref="ProblemResponses"/>.
/// </summary>
public static class ApiDocument
{
    public const string BearerScheme = "Bearer";

    private const string Description = """
        The ticketing backend of Supporter: showtimes and their ticket types, holds, orders and tickets, transfers,
        refunds, supporters' profiles, organisations and the audit log.

        Sign in at `POST /auth/login` (or with a provider) and send the access token as `Authorization: Bearer <token>`.
        Every error is an RFC 7807 problem (`application/problem+json`); validation problems list the fields.
        A 503 means the outcome is unknown: retry the same request with the same idempotency key after `Retry-After`
        seconds, and it takes effect at most once.
        """;

    public static IServiceCollection AddSupporterOpenApi(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Transient<IApiDescriptionProvider, ProblemResponses>());
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer(DescribeDocument);
            options.AddOperationTransformer(DescribeOperation);
            options.AddIdempotencyKeyHeaders();
        });
        return services;
    }

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Supporter API";
        document.Info.Description = Description;
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token from POST /auth/login, /auth/refresh or a provider sign-in.",
        };
        return Task.CompletedTask;
    }

    private static Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (EndpointAccess.RequiresSignIn(context.Description.ActionDescriptor.EndpointMetadata))
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
        }
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse described)
                continue;
            switch (status)
            {
                case "401":
                    AddHeader(described, "WWW-Authenticate", "Bearer: send an access token.", JsonSchemaType.String);
                    break;
                case "429":
                case "503":
                    AddHeader(described, "Retry-After", "Seconds to wait before trying again.", JsonSchemaType.Integer);
                    break;
            }
        }
        return Task.CompletedTask;
    }

    private static void AddHeader(OpenApiResponse response, string name, string description, JsonSchemaType type)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = type } };
    }
}

/// <summary>What an endpoint's authorization metadata says about its callers.</summary>
internal static class EndpointAccess
{
    public static bool RequiresSignIn(IEnumerable<object> metadata) =>
        metadata.Any(m => m is IAuthorizeData or AuthorizationPolicy) && !metadata.OfType<IAllowAnonymous>().Any();

    /// <summary>
    /// Whether a signed-in caller can still be refused (403) by the policies alone: anything beyond "any valid token".
    /// </summary>
    public static bool MayForbid(IEnumerable<object> metadata, AuthorizationOptions options)
    {
        if (!RequiresSignIn(metadata))
            return false;
        var policies = metadata.OfType<AuthorizationPolicy>()
            .Concat(metadata.OfType<IAuthorizeData>().Select(data => !string.IsNullOrEmpty(data.Roles)
                ? null
                : data.Policy is { } name ? options.GetPolicy(name) : options.DefaultPolicy));
        return policies.Any(policy => policy is null || policy.Requirements.Any(r => r is not Microsoft.AspNetCore.Authorization.Infrastructure.DenyAnonymousAuthorizationRequirement));
    }
}
