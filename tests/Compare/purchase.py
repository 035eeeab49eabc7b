#!/usr/bin/env python3
"""Closed-loop purchase client: N buyers, each repeating hold -> order -> signed payment_intent.succeeded -> confirmed.

The payment step is taken out of the emulator's hands, as in issue 15's measurement: the emulator still creates each
intent (inside "place order"), and this client signs and posts the webhook Stripe would send. Standard library only.
usage: purchase.py BASE_URL TOKEN SHOWTIME WEBHOOK_SECRET BUYERS SECONDS RUN
"""
import hashlib, hmac, http.client, json, sys, threading, time, urllib.parse, uuid

base, token, showtime, secret, buyers, seconds, run = sys.argv[1:8]
buyers, seconds = int(buyers), float(seconds)
url = urllib.parse.urlparse(base)
auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
latencies, errors, lock = [], {}, threading.Lock()
deadline = time.monotonic() + seconds


def call(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or auth)
    response = conn.getresponse()
    return response.status, response.read()


def webhook(order):
    intent = order["payment"]["intentId"]
    event = {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": "payment_intent.succeeded",
             "api_version": "2026-10-28.endive", "created": int(time.time()), "livemode": False,
             "data": {"object": {"id": intent, "object": "payment_intent", "amount": order["totalMinor"],
                                 "amount_received": order["totalMinor"], "currency": order["currency"].lower(),
                                 "status": "succeeded", "metadata": {"order_id": order["id"]}}}}
    body = json.dumps(event)
    stamp = str(int(time.time()))
    signature = hmac.new(secret.encode(), f"{stamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "Stripe-Signature": f"t={stamp},v1={signature}"}


def buyer(index):
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    count = 0
    while time.monotonic() < deadline:
        count += 1
        key = f"{run}-{index}-{count}"
        started = time.monotonic()
        try:
            status, body = call(conn, "POST", f"/api/showtimes/{showtime}/ticket-types/GA/holds",
                                json.dumps({"quantity": 1}), {**auth, "Idempotency-Key": f"{key}-hold"})
            if status != 201:
                raise RuntimeError(f"hold {status}")
            hold = json.loads(body)
            lines = [{"showtimeId": showtime, "code": "GA", "holdId": hold["holdId"]}]
            status, body = call(conn, "POST", "/supporter/orders", json.dumps({"lines": lines}),
                                {**auth, "Idempotency-Key": f"{key}-order"})
            if status != 201:
                raise RuntimeError(f"order {status}")
            order = json.loads(body)
            status, _ = call(conn, "POST", "/webhooks/stripe", *webhook(order))
            if status != 200:
                raise RuntimeError(f"webhook {status}")
            while True:
                status, body = call(conn, "GET", f"/supporter/orders/{order['id']}")
                if status == 200 and json.loads(body)["status"] == "confirmed":
                    break
                if status != 200 or time.monotonic() > deadline + 30:
                    raise RuntimeError(f"confirm {status}")
                time.sleep(0.005)  # a client polling, not a test waiting: keeps the poll from spinning
            with lock:
                latencies.append(time.monotonic() - started)
        except Exception as error:  # one failed purchase is counted by kind and the buyer goes on
            with lock:
                kind = str(error).split(":")[0][:40]
                errors[kind] = errors.get(kind, 0) + 1
            conn.close()
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)


started = time.monotonic()
threads = [threading.Thread(target=buyer, args=(i,)) for i in range(buyers)]
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.monotonic() - started
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0
print(f"RESULT rps={len(latencies) / elapsed:.1f} p50_ms={pick(0.5):.1f} p99_ms={pick(0.99):.1f} "
      f"errors={sum(errors.values())} requests={len(latencies)} kinds={json.dumps(errors)}")
