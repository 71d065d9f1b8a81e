"""Group commit (docs/performance.md) against the real binary: invitations are answered only
after the transaction that holds them commits, so a server killed with SIGKILL in the middle of
a load loses none that it acknowledged, on SQLite (group commit) as on PostgreSQL."""
import signal
import threading

import requests

from conftest import database_url, start_usher
from operations_support import make_client

CLIENTS = 16


def test_a_crash_under_load_loses_no_acknowledged_invitation():
    env = {"USHER_DATABASE_URL": database_url()}
    first = start_usher(env)
    acknowledged = {}
    lock = threading.Lock()
    enough = threading.Event()
    try:
        client_id = make_client(first)
        url = f"{first.base}/admin/api/v1/identityStores/default/invite"
        headers = {"Authorization": f"Bearer {first.token()}"}

        def load(worker):
            session = requests.Session()
            n = 0
            while True:
                email = f"crash-{worker}-{n}@example.com"
                n += 1
                try:
                    r = session.post(url, json={"clientId": client_id, "email": email}, headers=headers, timeout=60)
                except requests.RequestException:
                    return  # the server is gone: whatever was not answered may or may not exist
                if r.status_code != 201:
                    return
                with lock:
                    acknowledged[r.json()["id"]] = email
                    if len(acknowledged) >= 300:
                        enough.set()

        threads = [threading.Thread(target=load, args=(w,), daemon=True) for w in range(CLIENTS)]
        for t in threads:
            t.start()
        assert enough.wait(300), "the load never reached 300 invitations"
        # Killed while the clients keep sending: groups are in flight at this moment.
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(10)
        for t in threads:
            t.join(120)
    finally:
        if first.process.poll() is None:
            first.process.kill()
    assert first.process.returncode == -signal.SIGKILL

    second = start_usher(env)
    try:
        stored = {}
        without_email = []
        after = None
        while True:
            params = {"size": 500, **({"after": after} if after else {})}
            r = second.api("GET", "/identityStores/default/invite", params=params)
            assert r.status_code == 200, r.text
            for item in r.json():
                stored[item["id"]] = item["email"]
                if not item.get("delivery"):
                    without_email.append(item["id"])
            after = r.headers.get("X-Next-Cursor")
            if not after:
                break
        missing = {i: e for i, e in acknowledged.items() if stored.get(i) != e}
        assert not missing, f"{len(missing)} acknowledged invitations are gone after the crash, e.g. {list(missing.items())[:3]}"
        # Every stored invitation is whole: its email was written with it (one transaction per group).
        assert not without_email, f"invitations without their email: {without_email[:3]}"
    finally:
        second.process.terminate()
        second.process.wait(10)
