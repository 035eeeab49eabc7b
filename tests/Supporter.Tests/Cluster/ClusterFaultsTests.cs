using Npgsql;
using Supporter.Grains.Infrastructure;
using Supporter.ServiceDefaults;

namespace Supporter.Tests.Cluster;

/// <summary>
/// What front ends answer "try again" for, as PostgreSQL restarting showed it arrives: a grain whose state could not be
/// read while activating comes wrapped in Orleans' own exception, and the driver's exception never reaches a caller.
/// </summary>
public sealed class ClusterFaultsTests
{
    [Fact]
    public void A_state_read_that_failed_while_PostgreSQL_restarted_is_transient_however_Orleans_wraps_it()
    {
        var unreadable = new StateUnavailableException("The state of inventorypool/x/GA could not be read: 57P03. Retry the request.");
        Assert.True(ClusterFaults.IsTransient(new OrleansException("Error from storage provider during ReadStateAsync", unreadable)));
        Assert.True(ClusterFaults.IsTransient(unreadable));
        // A bug stays a bug, wrapped or not.
        Assert.False(ClusterFaults.IsTransient(new OrleansException("Error from storage provider", new InvalidOperationException("bad state"))));
        Assert.False(ClusterFaults.IsTransient(new InvalidOperationException("bad state")));
    }

    [Fact]
    public void A_call_the_runtime_gave_up_on_is_transient()
    {
        // What a grain call answers when its message expired before placement could finish (its silo had just died).
        Assert.True(ClusterFaults.IsTransient(new OperationCanceledException("Message expired before placement could complete for grain supportershowtime/x.")));
        Assert.True(ClusterFaults.IsTransient(new TimeoutException("Response did not arrive on time in 00:00:03")));
    }

    [Fact]
    public void The_driver_exception_is_found_inside_a_grains_could_not_be_stored_wrapper()
    {
        var lost = new NpgsqlException("Exception while reading from stream", new EndOfStreamException());
        Assert.Same(lost, DatabaseFaultFilter.DatabaseFault(new StateUnavailableException("The order could not be stored.", lost)));
        Assert.Same(lost, DatabaseFaultFilter.DatabaseFault(lost));
        Assert.Null(DatabaseFaultFilter.DatabaseFault(new StateUnavailableException("The order could not be stored.")));
        Assert.True(lost.IsTransient);
    }
}
