using System.ComponentModel.DataAnnotations;

namespace Supporter.Silo.Hosting;

/// <summary>Section "Cluster": which cluster this silo joins and where it listens.</summary>
public sealed class ClusterSettings
{
    public const string Section = "Cluster";

    [Required] public string ClusterId { get; set; } = "supporter-local";
    [Required] public string ServiceId { get; set; } = "supporter";
    /// <summary>Localhost clustering and memory storage: nothing survives a restart. Never the default.</summary>
    public bool InMemory { get; set; }
    [Range(1, 65535)] public int SiloPort { get; set; } = 11111;
    [Range(1, 65535)] public int GatewayPort { get; set; } = 30000;
    /// <summary>The address other silos and clients use to reach this one.</summary>
    [Required] public string AdvertisedAddress { get; set; } = "127.0.0.1";
}
