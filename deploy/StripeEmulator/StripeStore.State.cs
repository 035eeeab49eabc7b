using System.Text.Json;
using System.Text.Json.Nodes;

namespace Supporter.StripeEmulator;

/// <summary>The store as a state file holds it (see <see cref="EmulatorStateFile"/>).</summary>
public sealed partial class StripeStore
{
    private static readonly JsonSerializerOptions CardFormat = new(JsonSerializerDefaults.Web);

    /// <summary>Writes every object and event; answers how many changes that holds (read under the same lock).</summary>
    public long WriteState(Utf8JsonWriter writer)
    {
        lock (_gate)
        {
            // Lists in the order the objects were made, which is the order readers see them in (newest cards first).
            WriteList(writer, "customers", _customers.Values);
            WriteList(writer, "paymentMethods", _paymentMethods.Values);
            WriteList(writer, "intents", _intents.Values);
            WriteList(writer, "charges", _charges.Values);
            WriteList(writer, "refunds", _refunds.Values);
            WriteList(writer, "events", _events);
            writer.WritePropertyName("savedFrom");
            JsonSerializer.Serialize(writer, _savedFrom, CardFormat);
            return changes.Count;
        }
    }

    private static void WriteList(Utf8JsonWriter writer, string name, IEnumerable<JsonObject> items)
    {
        writer.WriteStartArray(name);
        foreach (var item in items)
            item.WriteTo(writer);
        writer.WriteEndArray();
    }

    /// <summary>
    /// Takes back what a state file holds and queues again the events its endpoint had not yet accepted, in their
    /// order (Stripe goes on retrying them for days). Answers how many were queued.
    /// </summary>
    public int Restore(JsonObject root)
    {
        lock (_gate)
        {
            Fill(_customers, root["customers"]);
            Fill(_paymentMethods, root["paymentMethods"]);
            Fill(_intents, root["intents"]);
            Fill(_charges, root["charges"]);
            Fill(_refunds, root["refunds"]);
            _savedFrom.Clear();
            foreach (var (id, card) in root["savedFrom"].Deserialize<Dictionary<string, TestCard>>(CardFormat) ?? [])
                _savedFrom[id] = card;
            _events.Clear();
            _eventsById.Clear();
            var resent = 0;
            foreach (var stored in root["events"]?.AsArray() ?? [])
            {
                var stripeEvent = stored!.DeepClone().AsObject();
                _events.Add(stripeEvent);
                _eventsById[(string)stripeEvent["id"]!] = stripeEvent;
                if ((int?)stripeEvent["pending_webhooks"] > 0)
                {
                    Deliver(stripeEvent);
                    resent++;
                }
            }
            return resent;
        }
    }

    private static void Fill(Dictionary<string, JsonObject> objects, JsonNode? list)
    {
        objects.Clear();
        foreach (var item in list?.AsArray() ?? [])
            objects[(string)item!["id"]!] = item.DeepClone().AsObject();
    }
}
