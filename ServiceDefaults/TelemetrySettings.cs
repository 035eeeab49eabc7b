using System.ComponentModel.DataAnnotations;

namespace Supporter.ServiceDefaults;

/// <summary>Where traces and metrics go.</summary>
public enum TelemetryExporter
{
    /// <summary>Collected in process (health, tests can listen) but sent nowhere.</summary>
    None,
    /// <summary>Written to standard output: for a look on a development machine.</summary>
    Console,
    /// <summary>Sent to an OpenTelemetry collector over OTLP (endpoint from <see cref="TelemetrySettings.OtlpEndpoint"/> or OTEL_EXPORTER_OTLP_ENDPOINT).</summary>
    Otlp,
}

/// <summary>How the console logger writes a line.</summary>
public enum LogFormat
{
    /// <summary>Human-readable lines.</summary>
    Simple,
    /// <summary>One JSON object per line, scopes (trace and span ids among them) included: for log collectors.</summary>
    Json,
}

/// <summary>Section "Telemetry": logging format and the OpenTelemetry exporter of this process.</summary>
public sealed class TelemetrySettings : IValidatableObject
{
    public const string Section = "Telemetry";

    public TelemetryExporter Exporter { get; set; } = TelemetryExporter.None;

    /// <summary>The collector's address for <see cref="TelemetryExporter.Otlp"/>; the standard OTEL_* variables apply when empty.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>grpc (the default) or http/protobuf, with <see cref="OtlpEndpoint"/>; without it OTEL_EXPORTER_OTLP_PROTOCOL applies.</summary>
    public string? OtlpProtocol { get; set; }

    /// <summary>The service name traces and metrics carry; the host's name when empty (OTEL_SERVICE_NAME still wins).</summary>
    public string? ServiceName { get; set; }

    public LogFormat LogFormat { get; set; } = LogFormat.Simple;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OtlpEndpoint is { } endpoint && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
            yield return new ValidationResult("OtlpEndpoint must be an absolute http or https address.", [nameof(OtlpEndpoint)]);
        if (OtlpProtocol is { Length: > 0 } protocol && protocol is not ("grpc" or "http/protobuf"))
            yield return new ValidationResult("OtlpProtocol must be grpc or http/protobuf.", [nameof(OtlpProtocol)]);
        if (OtlpProtocol is { Length: > 0 } && OtlpEndpoint is null)
            yield return new ValidationResult("OtlpProtocol needs OtlpEndpoint (or set both through OTEL_EXPORTER_OTLP_PROTOCOL and OTEL_EXPORTER_OTLP_ENDPOINT).", [nameof(OtlpProtocol)]);
    }
}
