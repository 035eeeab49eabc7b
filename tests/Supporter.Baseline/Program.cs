using Supporter.Baseline;

await BaselineApp.Create(args).RunAsync();
