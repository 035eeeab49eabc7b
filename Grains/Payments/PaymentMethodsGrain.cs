using Microsoft.Extensions.Logging;
using Supporter.Grains.Infrastructure;
using Supporter.Identity;
using Supporter.Orders;
using Supporter.Payments;

namespace Supporter.Grains.Payments;

/// <summary>
/// A supporter's customer at the payment provider and their saved card. One card is kept: saving another replaces it
/// (and detaches the old one). Ids the supporter removed are remembered, so a payment reported late cannot bring a
/// removed card back. A customer or card the provider no longer knows is forgotten when an order or a look at the card
/// finds out; a new customer is then created under a key of its own.
/// </summary>
[GrainType("paymentmethods")]
public sealed partial class PaymentMethodsGrain(
    [PersistentState("payment-methods", StorageNames.Domain)] IPersistentState<PaymentMethodsState> state,
    IPaymentGateway payments,
    ILogger<PaymentMethodsGrain> logger) : Grain, IPaymentMethodsGrain
{
    private const int RemovedKept = 20;
    private static readonly TimeSpan CheckPatience = TimeSpan.FromSeconds(3);

    private PaymentMethodsState State => state.State;
    private Guid SupporterId => this.GetPrimaryKey();

    public async Task<CustomerResult> EnsureCustomer()
    {
        if (State.CustomerId is { } existing)
            return new CustomerResult(CustomerOutcome.Ready, existing);
        var account = await GrainFactory.GetGrain<IAccountGrain>(SupporterId).GetAccount();
        // Twice at most: a key Stripe holds for other parameters (the address changed since a lost answer) is
        // replaced by the next one at once.
        for (var attempt = 0; ; attempt++)
        {
            CustomerCreation created;
            try
            {
                created = await payments.CreateCustomerAsync(SupporterId, account?.Email, CustomerKey());
            }
            catch (Exception exception) when (PaymentFailures.IsProviderFailure(exception))
            {
                LogProviderUnavailable(exception, SupporterId, "create the customer");
                return new CustomerResult(CustomerOutcome.ProviderUnavailable, null);
            }
            if (created.CustomerId is { } id)
            {
                State.CustomerId = id;
                await this.WriteOrReloadAsync(state, "The supporter's payment methods");
                return new CustomerResult(CustomerOutcome.Ready, id);
            }
            var refusal = created.Refusal!;
            LogCustomerRefused(SupporterId, CustomerKey(), refusal.Message);
            // Stripe replays a refusal to its key for a day: the next attempt, now or with a later order, asks afresh.
            State.CustomerKeyGeneration++;
            await this.WriteOrReloadAsync(state, "The supporter's payment methods");
            if (refusal.Reason != RefusalReason.KeyReused || attempt > 0)
                return new CustomerResult(CustomerOutcome.Refused, null, refusal.Message);
        }
    }

    /// <summary>The first customer is keyed by the supporter alone; each one after a loss by its number too.</summary>
    private string CustomerKey() =>
        State.CustomerKeyGeneration == 0 ? $"customer-{SupporterId:N}" : $"customer-{SupporterId:N}-{State.CustomerKeyGeneration}";

    public async Task CustomerGone(string customerId)
    {
        if (State.CustomerId != customerId)
            return;
        State.CustomerId = null;
        // The old key would give the old customer back (Stripe replays a key's answer for a day).
        State.CustomerKeyGeneration++;
        if (State.Default is { } saved && saved.CustomerId == customerId)
        {
            State.Default = null;
            NoteRemoved(saved.PaymentMethodId);
        }
        await this.WriteOrReloadAsync(state, "The supporter's payment methods");
        LogCustomerGone(customerId, SupporterId);
    }

    public Task<SavedPaymentMethod?> GetDefault() => Task.FromResult(State.Default);

    public async Task<SavedPaymentMethod?> CheckDefault()
    {
        if (State.Default is not { } saved)
            return null;
        CardDetails? card;
        try
        {
            // A look at the card must not hang on a slow provider (its calls may take RequestTimeout): after a short
            // wait the card is shown as stored.
            using var patience = new CancellationTokenSource(CheckPatience);
            card = await payments.GetPaymentMethodAsync(saved.PaymentMethodId, patience.Token);
        }
        catch (Exception exception) when (PaymentFailures.IsProviderFailure(exception))
        {
            // Shown as stored: paying with it finds out anyway, and the next look asks again.
            LogProviderUnavailable(exception, SupporterId, $"check {saved.PaymentMethodId}");
            return saved;
        }
        if (card is not null && card.CustomerId == saved.CustomerId)
            return saved;
        State.Default = null;
        NoteRemoved(saved.PaymentMethodId);
        await this.WriteOrReloadAsync(state, "The supporter's payment methods");
        LogCardGone(saved.PaymentMethodId, SupporterId);
        return null;
    }

    public async Task<SavedPaymentMethod?> Remember(RememberPaymentMethod command)
    {
        if (State.CustomerId is null || State.Default?.PaymentMethodId == command.PaymentMethodId
            || State.Removed.Contains(command.PaymentMethodId) || State.Default?.PaidAt > command.PaidAt)
        {
            return State.Default;
        }
        // Asked of the provider, not taken from the caller: only a card attached to this supporter's customer is kept.
        var card = await payments.GetPaymentMethodAsync(command.PaymentMethodId);
        if (card is null || card.CustomerId != State.CustomerId)
        {
            LogNotOurs(command.PaymentMethodId, SupporterId, command.OrderId);
            return State.Default;
        }
        var replaced = State.Default;
        State.Default = new SavedPaymentMethod(State.CustomerId, card.PaymentMethodId, card.Brand, card.Last4, card.ExpMonth, card.ExpYear,
            card.Wallet, command.PaidAt, command.OrderId);
        if (replaced is not null)
            NoteRemoved(replaced.PaymentMethodId);
        await this.WriteOrReloadAsync(state, "The supporter's payment methods");
        if (replaced is not null)
            await TryDetachAsync(replaced.PaymentMethodId);
        return State.Default;
    }

    public async Task<PaymentMethodRemoval> Forget(string? paymentMethodId = null)
    {
        if (State.Default is not { } saved || (paymentMethodId is not null && paymentMethodId != saved.PaymentMethodId))
            return PaymentMethodRemoval.NoneSaved;
        if (!await TryDetachAsync(saved.PaymentMethodId))
            return PaymentMethodRemoval.ProviderUnavailable;
        State.Default = null;
        NoteRemoved(saved.PaymentMethodId);
        await this.WriteOrReloadAsync(state, "The supporter's payment methods");
        return PaymentMethodRemoval.Removed;
    }

    private void NoteRemoved(string paymentMethodId)
    {
        State.Removed.Add(paymentMethodId);
        if (State.Removed.Count > RemovedKept)
            State.Removed.RemoveAt(0);
    }

    private async Task<bool> TryDetachAsync(string paymentMethodId)
    {
        try
        {
            await payments.DetachPaymentMethodAsync(paymentMethodId, $"detach-{paymentMethodId}");
            return true;
        }
        catch (Exception exception) when (PaymentFailures.IsProviderFailure(exception))
        {
            LogProviderUnavailable(exception, SupporterId, $"detach {paymentMethodId}");
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The payment provider could not be reached to {What} for supporter {SupporterId}")]
    private partial void LogProviderUnavailable(Exception exception, Guid supporterId, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The payment provider refused to create a customer for supporter {SupporterId} (key {Key}): {Refusal}")]
    private partial void LogCustomerRefused(Guid supporterId, string key, string refusal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The payment provider no longer knows customer {CustomerId} of supporter {SupporterId}; forgotten with its saved card")]
    private partial void LogCustomerGone(string customerId, Guid supporterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "The payment provider no longer has saved card {PaymentMethodId} of supporter {SupporterId} on their customer; forgotten")]
    private partial void LogCardGone(string paymentMethodId, Guid supporterId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment method {PaymentMethodId} of order {OrderId} is not attached to supporter {SupporterId}'s customer; not saved")]
    private partial void LogNotOurs(string paymentMethodId, Guid supporterId, Guid orderId);
}

[GenerateSerializer, Alias("orders.payment-methods-state.v1")]
public sealed class PaymentMethodsState
{
    [Id(0)] public string? CustomerId { get; set; }
    [Id(1)] public SavedPaymentMethod? Default { get; set; }
    /// <summary>Cards removed or replaced, newest last (a bounded few).</summary>
    [Id(2)] public List<string> Removed { get; set; } = [];
    /// <summary>How many times a customer had to be asked for afresh (the last one gone, or its key refused): part of the next key.</summary>
    [Id(3)] public int CustomerKeyGeneration { get; set; }
}
