#!/usr/bin/env python3
"""Webhook delivery figure (docs/performance.md, docs/webhooks.md): Usher on loopback with one
endpoint subscribed to invitation.created and a local receiver that verifies every delivery
(e2e/webhook_receiver.py, the standardwebhooks library). Clients create invitations as fast as
they can; the receiver notes when each event arrives. Prints invitations/s, deliveries/s and the
delay from commit (the API's 201 reaching the client) to delivery, p50 and p99.

    python3 bench/webhooks.py [--count N] [--clients C]
    (USHER_BENCH_BINARY picks the binary, default .build/release/usher, else .build/debug/usher;
     USHER_TEST_POSTGRES_URL set = PostgreSQL, as scripts/with-postgres does)
"""
import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "e2e"))
import conftest  # noqa: E402
from webhook_receiver import Receiver  # noqa: E402


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    binary = os.environ.get("USHER_BENCH_BINARY")
    if binary:
        conftest.BINARY = pathlib.Path(binary)
    elif (ROOT / ".build/release/usher").exists():
        conftest.BINARY = ROOT / ".build/release/usher"
    receiver = Receiver()
    usher = conftest.start_usher({"USHER_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true", "USHER_PASSWORD_HASH": "bcrypt"})
    try:
        r = usher.api("POST", "/webhooks", json={"url": receiver.url, "events": ["invitation.created"]})
        receiver.secret = r.json()["secret"]
        app = usher.api("POST", "/applications", json={"name": "Bench hooks", "store": "default", "protocol": "oidc",
                                                       "clients": [{"redirectUris": ["https://shop.example.com/cb"],
                                                                    "loginUrl": "https://shop.example.com/login"}]}).json()
        client_id = app["clients"][0]["clientId"]
        token = usher.token()
        committed = {}
        import requests
        session_for = {}

        def create(n):
            s = session_for.setdefault(n % args.clients, requests.Session())
            r = s.post(f"{usher.base}/admin/api/v1/identityStores/default/invite", headers={"Authorization": f"Bearer {token}"},
                       json={"clientId": client_id, "email": f"hook{n}-{uuid.uuid4().hex[:6]}@example.com"})
            assert r.status_code == 201, r.text
            committed[r.json()["id"]] = time.time()

        started = time.time()
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(create, range(args.count)))
        created_in = time.time() - started
        deadline = time.time() + 300
        while len(receiver.accepted()) < args.count and time.time() < deadline:
            time.sleep(0.05)
        with receiver.lock:
            arrivals = [d for d in receiver.deliveries if d["verified"] and d["status"] < 300]
        import json
        delays = [d["at"] - committed[json.loads(d["body"])["data"]["id"]] for d in arrivals]
        times = sorted(d["at"] for d in arrivals)
        span = times[-1] - started
        print(f"binary: {conftest.BINARY.relative_to(ROOT)}, database: {'PostgreSQL' if os.environ.get('USHER_TEST_POSTGRES_URL') else 'SQLite'}")
        print(f"invitations created: {args.count} in {created_in:.1f} s = {args.count / created_in:.0f}/s ({args.clients} clients)")
        print(f"webhook deliveries: {len(arrivals)} verified, all delivered {span:.1f} s after the first request "
              f"= {len(arrivals) / span:.0f}/s; duplicates: {len(arrivals) - len({d['id'] for d in arrivals})}")
        print(f"commit → delivery: p50 {statistics.median(delays) * 1000:.0f} ms, p99 {percentile(delays, 99) * 1000:.0f} ms, "
              f"max {max(delays) * 1000:.0f} ms")
    finally:
        usher.process.terminate()
        usher.process.wait(10)
        receiver.close()


if __name__ == "__main__":
    main()
