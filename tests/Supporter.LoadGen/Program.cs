using Spectre.Console.Cli;
using Supporter.LoadGen;

var app = new CommandApp<RunCommand>();
app.Configure(config =>
{
    config.SetApplicationName("Supporter.LoadGen");
    config.AddCommand<RunCommand>("run").WithDescription("Run a scenario against a running system, then check the invariants.");
    config.AddCommand<CheckCommand>("check").WithDescription("Check the invariants against a database.");
});
return await app.RunAsync(args);
