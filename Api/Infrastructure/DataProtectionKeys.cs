using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Npgsql;
using Supporter.Hosting;
using Supporter.Identity;

namespace Supporter.Api.Infrastructure;

public static class DataProtectionKeys
{
    public static IServiceCollection AddSupporterDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDataProtection().SetApplicationName(ExternalLogins.ProtectionApplicationName);
        var connectionString = configuration["Database:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
            return services; // The explicit in-memory mode: keys live as long as the process, like everything else.
        var dataSource = new NpgsqlDataSourceBuilder(connectionString) { ConnectionStringBuilder = { MaxPoolSize = 2 } }.Build();
        services.AddOptions<KeyManagementOptions>().Configure(o => o.XmlRepository = new PostgresXmlRepository(dataSource));
        return services;
    }
}
