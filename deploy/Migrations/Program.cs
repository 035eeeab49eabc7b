using Supporter.Migrations;

// Usage: Supporter.Migrations "<connection string>"   (or set Database__ConnectionString)
var connectionString = args.FirstOrDefault() ?? Environment.GetEnvironmentVariable("Database__ConnectionString");
if (string.IsNullOrWhiteSpace(connectionString))
{
    Console.Error.WriteLine("usage: Supporter.Migrations <connection string>  (or set Database__ConnectionString)");
    return 2;
}
var applied = await Migrator.MigrateAsync(connectionString, Console.WriteLine);
Console.WriteLine(applied.Count == 0 ? "schema is up to date" : $"applied {applied.Count} migration(s)");
return 0;
