using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Supporter.ServiceDefaults;

public static class SettingsValidation
{
    /// <summary>
    /// Binds <paramref name="section"/> over <paramref name="defaults"/> and validates its data annotations now, for
    /// settings the host needs while it is being built (before options validation on start could run).
    /// </summary>
    public static T GetValidated<T>(this IConfiguration configuration, string section, T defaults) where T : class
    {
        try
        {
            configuration.GetSection(section).Bind(defaults);
        }
        catch (InvalidOperationException exception)
        {
            throw new OptionsValidationException(section, typeof(T), [exception.InnerException is { } cause ? $"{exception.Message} {cause.Message}" : exception.Message]);
        }
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(defaults, new(defaults), results, validateAllProperties: true))
            throw new OptionsValidationException(section, typeof(T), results.Select(r => $"{section}: {r.ErrorMessage}"));
        return defaults;
    }
}
