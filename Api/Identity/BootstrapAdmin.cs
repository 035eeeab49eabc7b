using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Supporter.Identity;

namespace Supporter.Api.Identity;

/// <summary>
/// Section "BootstrapAdmin": the first admin account, created at start-up when configured (registration never makes
/// admins). Creating it is idempotent across restarts and API instances: the same request id each time.
/// </summary>
public sealed class BootstrapAdminSettings : IValidatableObject
{
    public string? Email { get; set; }
    public string? Password { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Email is null && Password is null)
            yield break;
        if (!EmailAddresses.IsValid(Email))
            yield return new ValidationResult("BootstrapAdmin:Email must be a valid address.", [nameof(Email)]);
        if (EmailAddresses.PasswordProblem(Password, Email) is { } problem)
            yield return new ValidationResult($"BootstrapAdmin:Password: {problem}", [nameof(Password)]);
    }
}

public sealed partial class BootstrapAdmin(IClusterClient cluster, IOptions<BootstrapAdminSettings> settings, ILogger<BootstrapAdmin> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Value is not { Email: { } email, Password: { } password })
            return;
        var registration = new Registration(
            "bootstrap-admin", email, password, UserType.Admin,
            new ProfileDetails("Administrator", "", [], false, "en"), null, new ClientInfo("bootstrap", ""), EmailPreVerified: true);
        var result = await cluster.GetGrain<IEmailLoginGrain>(EmailAddresses.Normalize(email)).Register(registration);
        switch (result)
        {
            case RegistrationAccepted:
                LogEnsured(email);
                break;
            case RegistrationInvalid invalid:
                throw new InvalidOperationException("The bootstrap admin could not be created: "
                    + string.Join("; ", invalid.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
            default:
                throw new InvalidOperationException($"The bootstrap admin could not be created: {result}.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // An address that already belonged to another account is left as it was (its owner gets a notice).
    [LoggerMessage(LogLevel.Information, "Bootstrap admin {Email} ensured")]
    private partial void LogEnsured(string email);
}
