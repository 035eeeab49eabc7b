using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Supporter.Identity;

namespace Supporter.ServiceDefaults;

public static class DataProtectionKeys
{
    /// <summary>
    /// The one Data Protection key ring of every Api instance and silo, in PostgreSQL through the process's data
    /// source. Without a database (the explicit in-memory mode) keys live as long as the process, like everything else.
    /// </summary>
    public static IServiceCollection AddSupporterDataProtection(this IServiceCollection services, bool durable)
    {
        services.AddDataProtection().SetApplicationName(ExternalLogins.ProtectionApplicationName);
        if (durable)
        {
            services.AddOptions<KeyManagementOptions>()
                .Configure<NpgsqlDataSource>((o, dataSource) => o.XmlRepository = new PostgresXmlRepository(dataSource));
        }
        return services;
    }
}
