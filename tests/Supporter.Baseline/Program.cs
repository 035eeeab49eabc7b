namespace Supporter.Baseline;

public static class BaselineProgram
{
    // A named entry point rather than top-level statements: a global Program would clash with the Api's in the tests.
    public static Task Main(string[] args) => BaselineApp.Create(args).RunAsync();
}
