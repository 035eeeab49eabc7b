namespace Supporter.StripeEmulator;

/// <summary>
/// A local stand-in for Stripe: the part of its API the platform uses, signed webhooks, and fault switches. The
/// local run and the tests use it; real Stripe is used by pointing the platform's base URL and keys at it instead.
/// </summary>
public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddStripeEmulator();

        var app = builder.Build();
        app.MapStripeEmulator();
        app.Run();
    }
}
