using System.Net;
using System.Net.Http.Json;
using Stripe;
using Supporter.StripeEmulator;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Payments;

/// <summary>
/// Customers and saved cards in the emulator, driven with Stripe.net's own services so its parsing of customers,
/// payment methods, next actions and errors is what the platform will meet.
/// </summary>
[Collection(StripeEmulatorCollection.Name)]
public sealed class StripeEmulatorSavedCardTests : IAsyncLifetime
{
    private readonly StripeEmulatorFixture _fixture;
    private readonly CustomerService _customers;

    public StripeEmulatorSavedCardTests(StripeEmulatorFixture fixture)
    {
        _fixture = fixture;
        var stripe = fixture.Emulator.Stripe();
        _customers = new CustomerService(stripe);
    }

    public async Task InitializeAsync()
    {
        (await _fixture.Emulator.CreateClient().PutAsJsonAsync("/_emulator/faults", Faults.None)).EnsureSuccessStatusCode();
        _fixture.Webhooks.Status = 200;
        while (_fixture.Webhooks.Received.Reader.TryRead(out _))
        {
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_customer_is_created_once_per_idempotency_key_and_read_back()
    {
        var key = $"supporter-{Guid.NewGuid()}";
        var options = new CustomerCreateOptions
        {
            Email = "fan@example.test",
            Name = "Sam Fan",
            Description = "supporter account",
            Metadata = new Dictionary<string, string> { ["user_id"] = "u-1" },
        };
        var created = await _customers.CreateAsync(options, new RequestOptions { IdempotencyKey = key });
        var again = await _customers.CreateAsync(options, new RequestOptions { IdempotencyKey = key });

        Assert.StartsWith("cus_", created.Id);
        Assert.Equal(created.Id, again.Id);
        var read = await _customers.GetAsync(created.Id);
        Assert.Equal(("fan@example.test", "Sam Fan", "supporter account", "u-1"), (read.Email, read.Name, read.Description, read.Metadata["user_id"]));
        Assert.Null(read.InvoiceSettings.DefaultPaymentMethodId);
        Assert.False(read.Livemode);
        var createdEvent = await NextEventAboutAsync(created.Id);
        Assert.Equal(("customer.created", created.Id), (createdEvent.Type, Assert.IsType<Customer>(createdEvent.Data.Object).Id));

        var unknown = await Assert.ThrowsAsync<StripeException>(() => _customers.GetAsync("cus_doesnotexist"));
        Assert.Equal((HttpStatusCode.NotFound, "resource_missing", "No such customer: 'cus_doesnotexist'"),
            (unknown.HttpStatusCode, unknown.StripeError.Code, unknown.StripeError.Message));
        var badEmail = await Assert.ThrowsAsync<StripeException>(() => _customers.CreateAsync(new CustomerCreateOptions { Email = "not-an-address" }));
        Assert.Equal(("parameter_invalid", "email"), (badEmail.StripeError.Code, badEmail.StripeError.Param));
    }

    /// <summary>The next delivered event whose object is <paramref name="id"/> or belongs to it (an intent's charge, a customer's card).</summary>
    private async Task<Event> NextEventAboutAsync(string id)
    {
        while (true)
        {
            var next = await _fixture.Webhooks.NextEventAsync();
            string?[] about = next.Data.Object switch
            {
                Customer customer => [customer.Id],
                PaymentMethod method => [method.Id, method.CustomerId],
                PaymentIntent intent => [intent.Id],
                Charge charge => [charge.PaymentIntentId],
                _ => [],
            };
            if (about.Contains(id))
                return next;
        }
    }
}
