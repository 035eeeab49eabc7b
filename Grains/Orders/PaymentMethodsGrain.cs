using Microsoft.Extensions.Logging;
using Supporter.Grains.Infrastructure;
using Supporter.Identity;
using Supporter.Orders;

namespace Supporter.Grains.Orders;

/// <summary>
/// A supporter's customer at the payment provider and their saved card. One card is kept: saving another replaces it
/// (and detaches the old one). Ids the supporter removed are remembered, so a payment reported late cannot bring a
/// removed card back.
/// </summary>
public sealed partial class PaymentMethodsGrain(
    [PersistentState("payment-methods", StorageNames.Domain)] IPersistentState<PaymentMethodsState> state,
    IPaymentGateway payments,
    ILogger<PaymentMethodsGrain> logger) : Grain, IPaymentMethodsGrain
{
    private const int RemovedKept = 20;

    private PaymentMethodsState State => state.State;
    private Guid SupporterId => this.GetPrimaryKey();

    public async Task<string?> EnsureCustomer()
    {
        if (State.CustomerId is { } existing)
            return existing;
        var account = await GrainFactory.GetGrain<IAccountGrain>(SupporterId).GetAccount();
        try
        {
            State.CustomerId = await payments.CreateCustomerAsync(SupporterId, account?.Email, $"customer-{SupporterId:N}");
        }
        catch (Exception exception) when (PaymentFailures.IsProviderFailure(exception))
        {
            LogProviderUnavailable(exception, SupporterId, "create the customer");
            return null;
        }
        await this.WriteOrReloadAsync(state, "The supporter's payment methods");
        return State.CustomerId;
    }

    public Task<SavedPaymentMethod?> GetDefault() => Task.FromResult(State.Default);

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
}
