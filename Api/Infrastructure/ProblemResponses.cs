using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Supporter.Api.Infrastructure;

/// <summary>
/// Declares, on every operation, the problems the pipeline itself can answer, read from the endpoint's metadata:
/// 400 where a body or a typed parameter is bound, 413 where a body is read, 401/403 from its authorization, 429 where
/// a rate limit applies and 503 where the handler reaches the cluster or the database. What only the handler knows
/// (404, 409, 422, a 403 of its own) each endpoint declares with <c>ProducesProblem</c> beside its mapping.
/// </summary>
internal sealed class ProblemResponses(IOptions<AuthorizationOptions> authorization) : IApiDescriptionProvider
{
    private const string ProblemJson = "application/problem+json";

    // After the endpoint provider (order -1100) has described each endpoint from its own metadata.
    public int Order => 0;

    public void OnProvidersExecuting(ApiDescriptionProviderContext context)
    {
        foreach (var description in context.Results)
            Declare(description);
    }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
    }

    private void Declare(ApiDescription description)
    {
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var readsBody = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body || p.Source == BindingSource.Form || p.Source == BindingSource.FormFile);
        var bindsTypedValues = description.ParameterDescriptions.Any(p => p.Source != BindingSource.Services && p.Type is { } type && type != typeof(string));

        if (readsBody || bindsTypedValues)
            Add(description, StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails));
        if (readsBody)
            Add(description, StatusCodes.Status413PayloadTooLarge);
        if (EndpointAccess.RequiresSignIn(metadata))
            Add(description, StatusCodes.Status401Unauthorized);
        if (EndpointAccess.MayForbid(metadata, authorization.Value))
            Add(description, StatusCodes.Status403Forbidden);
        if (metadata.OfType<EnableRateLimitingAttribute>().Any() && !metadata.OfType<DisableRateLimitingAttribute>().Any())
            Add(description, StatusCodes.Status429TooManyRequests);
        if (metadata.OfType<MethodInfo>().Any(ReachesState))
            Add(description, StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>A handler reaches state through the cluster client, or a data source or a reader built on one.</summary>
    private static bool ReachesState(MethodInfo handler) => handler.GetParameters().Any(p => IsStateAccess(p.ParameterType));

    private static bool IsStateAccess(Type type) =>
        typeof(IGrainFactory).IsAssignableFrom(type)
        || typeof(NpgsqlDataSource).IsAssignableFrom(type)
        || type.GetConstructors().Any(c => c.GetParameters().Any(p => typeof(NpgsqlDataSource).IsAssignableFrom(p.ParameterType)));

    private static void Add(ApiDescription description, int status, Type? problem = null)
    {
        if (description.SupportedResponseTypes.Any(r => r.StatusCode == status))
            return;
        description.SupportedResponseTypes.Add(new ApiResponseType
        {
            StatusCode = status,
            Type = problem ?? typeof(ProblemDetails),
            ApiResponseFormats = { new ApiResponseFormat { MediaType = ProblemJson } },
        });
    }
}
