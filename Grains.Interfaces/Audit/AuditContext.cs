using Supporter.Identity;

namespace Supporter.Audit;

/// <summary>
/// Who is acting and the trace id of their request, carried with every grain call as Orleans request context. The
/// Api sets it once per request; grains read it where they make an entry. Nothing set means <c>system</c>.
/// </summary>
public static class AuditContext
{
    private const string ActorKey = "supporter.audit.actor";
    private const string TraceKey = "supporter.audit.trace";

    /// <summary>Makes <paramref name="actor"/> (and the trace id, if any) the context of the calls that follow.</summary>
    public static void Set(AuditActor actor, string? traceId)
    {
        RequestContext.Set(ActorKey, actor);
        if (traceId is null)
            RequestContext.Remove(TraceKey);
        else
            RequestContext.Set(TraceKey, traceId);
    }

    public static void Clear()
    {
        RequestContext.Remove(ActorKey);
        RequestContext.Remove(TraceKey);
    }

    public static AuditActor Actor => RequestContext.Get(ActorKey) as AuditActor ?? AuditActor.System;

    public static string? TraceId => RequestContext.Get(TraceKey) as string;

    /// <summary>
    /// The acting user as a grain that was handed their id knows them: the context's actor when it names that user
    /// (it knows the user type), else that user as an admin or by the type given.
    /// </summary>
    public static AuditActor ActorFor(Guid userId, bool isAdmin, string otherwise) =>
        Actor is { UserId: { } id } known && id == userId ? known : AuditActor.User(userId, isAdmin ? UserTypes.Admin : otherwise);
}
