"""Webhooks end to end (SPEC: Events and webhooks): a real receiver verifies every delivery with
the `standardwebhooks` library; each event type arrives with its documented payload, a receiver
failing for a while gets the event later, a SIGKILL right after a commit still delivers after a
restart, two instances on one PostgreSQL deliver each event once, a tampered body or a stale
timestamp fails verification, and a private address is refused with 400."""
import json
import os
import signal
import sqlite3
import tempfile
import time
import urllib.parse
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from conftest import database_url, free_port, hidden_inputs, start_usher
from test_mail import wait_for
from webhook_receiver import Receiver

REDIRECT = "https://shop.example.com/callback"
PG = os.environ.get("USHER_TEST_POSTGRES_URL")
FAST = {"USHER_WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true", "USHER_WEBHOOK_RETRY_BASE_SECONDS": "0.2"}


def stop(usher):
    if usher.process.poll() is None:
        usher.process.terminate()
        usher.process.wait(10)


@pytest.fixture()
def receiver():
    r = Receiver()
    yield r
    r.close()


def make_client(usher):
    r = usher.api("POST", "/applications", json={"name": "Hook Shop " + uuid.uuid4().hex[:6], "store": "default", "protocol": "oidc",
                                                 "clients": [{"redirectUris": [REDIRECT], "loginUrl": "https://shop.example.com/login"}]})
    assert r.status_code == 201, r.text
    return r.json()["clients"][0]["clientId"]


def subscribe(usher, receiver, events=("*",)):
    r = usher.api("POST", "/webhooks", json={"url": receiver.url, "events": list(events), "description": "e2e"})
    assert r.status_code == 201, r.text
    assert r.json()["secret"].startswith("whsec_")
    receiver.secret = r.json()["secret"]
    return r.json()


def accept(usher, client_id, link):
    hint = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["login_hint"][0]
    s = requests.Session()
    q = urllib.parse.urlencode({"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "scope": "openid", "login_hint": hint})
    page = s.get(f"{usher.base}/oauth2/authorize?{q}")
    assert "/signup?flow=" in page.url, page.text[:300]
    done = s.post(f"{usher.base}/signup", data={**hidden_inputs(page.text), "givenName": "Hook", "familyName": "Test",
                                                "password": "webhook e2e password", "passwordConfirmation": "webhook e2e password"},
                  allow_redirects=False)
    assert done.status_code == 303, done.text[:300]


def test_each_event_type_arrives_signed_with_its_documented_payload(receiver):
    usher = start_usher(FAST)
    try:
        subscribe(usher, receiver)
        client_id = make_client(usher)
        created = usher.api("POST", "/identityStores/default/invite", json={"clientId": client_id, "email": "hook1@example.com"}).json()
        resent = usher.api("POST", f"/identityStores/default/invite/{created['id']}/resend").json()
        accept(usher, client_id, resent["link"])
        other = usher.api("POST", "/identityStores/default/invite", json={"clientId": client_id, "email": "hook2@example.com"}).json()
        assert usher.api("DELETE", f"/identityStores/default/invite/{other['id']}").status_code == 204
        account = usher.api("POST", "/identityStores/default/accounts", json={"email": "direct@example.com"}).json()

        wanted = ["invitation.created", "invitation.sent", "invitation.resent", "invitation.accepted", "account.created", "invitation.revoked"]
        wait_for(lambda: all(receiver.of_type(t) for t in wanted) and len(receiver.of_type("account.created")) == 2, timeout=30)
        for _, body in receiver.accepted():
            assert set(body) == {"type", "timestamp", "data"}
            assert "link" not in body["data"] and "inv_" not in json.dumps(body)
        first = receiver.of_type("invitation.created")[0]["data"]
        assert first["id"] == created["id"] and first["email"] == "hook1@example.com" and first["status"] == "PENDING"
        assert receiver.of_type("invitation.resent")[0]["data"]["sendCount"] == 2
        accepted = receiver.of_type("invitation.accepted")[0]["data"]
        assert accepted["status"] == "DONE" and accepted["accountId"]
        assert {a["data"]["email"] for a in receiver.of_type("account.created")} == {"hook1@example.com", account["email"]}
        assert receiver.of_type("invitation.revoked")[0]["data"]["id"] == other["id"]
        assert receiver.of_type("invitation.sent")[0]["data"]["delivery"]["status"] == "sent"
        # The events API lists the same events, oldest first.
        page = usher.api("GET", "/events", params={"type": "invitation.*,account.*"}).json()
        assert {e["id"] for e in page["items"]} >= {i for i, _ in receiver.accepted()}
    finally:
        stop(usher)

    # An email that cannot be delivered (no SMTP server listens; retried for ~4 s) is invitation.delivery_failed.
    failing = start_usher({**FAST, "USHER_SMTP_URL": f"smtp://127.0.0.1:{free_port()}?tls=none", "USHER_MAIL_RETRY_HOURS": "0.001",
                           "USHER_MAIL_RETRY_BASE_SECONDS": "0.2"})
    try:
        subscribe(failing, receiver, events=("invitation.delivery_failed",))
        invitation = failing.api("POST", "/identityStores/default/invite", json={"clientId": make_client(failing), "email": "bounce@example.com"}).json()
        failed = wait_for(lambda: receiver.of_type("invitation.delivery_failed"), timeout=30)[0]["data"]
        assert failed["id"] == invitation["id"] and failed["delivery"]["status"] == "failed"
    finally:
        stop(failing)


def test_lifecycle_and_bulk_events_arrive_with_the_resource_as_the_api_shows_it(receiver):
    """updated, opened, reminded, expired, renewal_requested and invitation_bulk.finished: each
    carries the invitation (or the job) exactly as the admin API shows it then, never a link. Time
    moves by changing the invitation's dates in the database, not by waiting."""
    workdir = tempfile.mkdtemp(prefix="usher-hooks-life-")
    database = f"{workdir}/usher.sqlite"
    usher = start_usher({**FAST, "USHER_DATABASE_URL": f"sqlite://{database}", "USHER_LIFECYCLE_INTERVAL_SECONDS": "1"})
    try:
        subscribe(usher, receiver, events=("invitation.updated", "invitation.opened", "invitation.reminded", "invitation.expired",
                                           "invitation.renewal_requested", "invitation_bulk.*"))
        client_id = make_client(usher)
        invite = "/identityStores/default/invite"
        # updated
        edited = usher.api("POST", invite, json={"clientId": client_id, "email": "life1@example.com"}).json()
        r = usher.api("PATCH", f"{invite}/{edited['id']}", json={"metadata": {"givenName": "Lifa"}})
        assert r.status_code == 200, r.text
        updated = wait_for(lambda: receiver.of_type("invitation.updated"), timeout=30)[0]["data"]
        shown = usher.api("GET", f"{invite}/{edited['id']}").json()
        # The email may go out between the event and this read; everything else is the same.
        assert {k: v for k, v in updated.items() if k not in ("sent", "delivery")} == {k: v for k, v in shown.items() if k not in ("sent", "delivery")}
        assert updated["metadata"]["givenName"] == "Lifa"

        # reminded: sent three hours ago, 23 hours left, unopened (the default policy reminds at 24 h).
        with sqlite3.connect(database, timeout=30) as db:
            db.execute("UPDATE invitations SET sent_at = sent_at - 10800, valid_until = CAST(strftime('%s','now') AS REAL) + 82800 "
                       "WHERE lower(id) = lower(?)", (edited["id"],))
        reminded = wait_for(lambda: receiver.of_type("invitation.reminded"), timeout=30)[0]["data"]
        assert reminded["id"] == edited["id"] and reminded["remindersSent"] == 1

        # opened, then expired, then renewal_requested, all on one link.
        late = usher.api("POST", invite, json={"clientId": client_id, "email": "life2@example.com"}).json()
        browser = requests.Session()
        hint = urllib.parse.parse_qs(urllib.parse.urlparse(late["link"]).query)["login_hint"][0]
        # What the application's login URL does with the link: an authorization request with its hint.
        authorize = f"{usher.base}/oauth2/authorize?" + urllib.parse.urlencode(
            {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "scope": "openid", "login_hint": hint})
        assert "/signup?flow=" in browser.get(authorize).url
        opened = wait_for(lambda: receiver.of_type("invitation.opened"), timeout=30)[0]["data"]
        assert opened["id"] == late["id"] and opened["openedAt"]
        with sqlite3.connect(database, timeout=30) as db:
            db.execute("UPDATE invitations SET valid_until = valid_until - 345600 WHERE lower(id) = lower(?)", (late["id"],))
        expired = wait_for(lambda: receiver.of_type("invitation.expired"), timeout=30)[0]["data"]
        assert expired["id"] == late["id"] and expired["status"] == "EXPIRED"
        page = browser.get(authorize)
        assert "expired" in page.text
        asked = browser.post(f"{usher.base}/invitation/renewal", data=hidden_inputs(page.text))
        assert asked.status_code == 200, asked.text[:300]
        renewal = wait_for(lambda: receiver.of_type("invitation.renewal_requested"), timeout=30)[0]["data"]
        assert renewal["id"] == late["id"] and renewal["renewalRequestedAt"]

        # invitation_bulk.finished: the job as GET …/invite/bulk/{id} shows it, without its rows.
        r = usher.api("POST", f"{invite}/bulk", json={"clientId": client_id, "invitations": [{"email": "b1@example.com"}, {"email": "life1@example.com"}]})
        assert r.status_code == 202, r.text
        finished = wait_for(lambda: receiver.of_type("invitation_bulk.finished"), timeout=60)[0]["data"]
        job = usher.api("GET", r.headers["Location"].replace("/admin/api/v1", "")).json()
        assert finished["id"] == job["id"] and finished["status"] == "DONE"
        assert (finished["created"], finished["conflicts"]) == (1, 1)  # life1 is still pending
        assert {k: v for k, v in job.items() if k != "rows"} == {k: v for k, v in finished.items() if k != "rows"}

        for _, body in receiver.accepted():
            assert "link" not in body["data"] and "inv_" not in json.dumps(body)
        assert len(receiver.of_type("invitation.reminded")) == 1 and len(receiver.of_type("invitation.expired")) == 1
    finally:
        stop(usher)


def test_a_receiver_answering_500_for_a_while_gets_the_event_later(receiver):
    usher = start_usher(FAST)
    try:
        endpoint = subscribe(usher, receiver, events=("invitation.created",))
        receiver.fail_next = 3
        created = usher.api("POST", "/identityStores/default/invite", json={"clientId": make_client(usher), "email": "later@example.com"}).json()
        got = wait_for(lambda: receiver.of_type("invitation.created"), timeout=30)
        assert got[0]["data"]["id"] == created["id"]
        deliveries = usher.api("GET", f"/webhooks/{endpoint['id']}/deliveries").json()
        assert deliveries[0]["status"] == "delivered"
        codes = [a["statusCode"] for a in deliveries[0]["attempts"]]
        assert codes == [500, 500, 500, 204], codes
        assert all(a["durationMs"] >= 0 for a in deliveries[0]["attempts"])
        # A retry by hand sends it once more (the receiver deduplicates by webhook-id).
        again = usher.api("POST", f"/webhooks/{endpoint['id']}/deliveries/{deliveries[0]['id']}/retry")
        assert again.status_code == 202
        wait_for(lambda: len(receiver.of_type("invitation.created")) == 2, timeout=15)
        assert len({i for i, b in receiver.accepted()}) == 1
    finally:
        stop(usher)


def test_sigkill_right_after_a_commit_still_delivers_after_restart(receiver):
    env = {**FAST, "USHER_DATABASE_URL": database_url(), "USHER_WEBHOOK_LEASE_SECONDS": "1"}
    usher = start_usher(env)
    subscribe(usher, receiver, events=("invitation.created",))
    client_id = make_client(usher)
    receiver.hold.clear()  # the first attempt hangs: the kill comes before any delivery is recorded
    created = usher.api("POST", "/identityStores/default/invite", json={"clientId": client_id, "email": "killed@example.com"}).json()
    usher.process.send_signal(signal.SIGKILL)
    usher.process.wait(10)
    receiver.hold.set()
    restarted = start_usher(env)
    try:
        got = wait_for(lambda: [b for b in receiver.of_type("invitation.created") if b["data"]["id"] == created["id"]], timeout=30)
        assert got
    finally:
        stop(restarted)


@pytest.mark.skipif(not PG, reason="needs PostgreSQL (scripts/test provides it)")
def test_two_instances_on_one_postgresql_deliver_each_event_once(receiver):
    env = {**FAST, "USHER_DATABASE_URL": database_url()}
    first = start_usher(env)
    second = start_usher(env)
    try:
        subscribe(first, receiver, events=("invitation.created",))
        client_id = make_client(first)
        ids = []
        for n in range(40):
            instance = (first, second)[n % 2]
            r = instance.api("POST", "/identityStores/default/invite", json={"clientId": client_id, "email": f"twice{n}@example.com"})
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        wait_for(lambda: len(receiver.of_type("invitation.created")) >= 40, timeout=30)
        time.sleep(1.5)  # let a duplicate, if any, arrive before counting
        webhook_ids = [i for i, _ in receiver.accepted()]
        assert len(webhook_ids) == 40 and len(set(webhook_ids)) == 40
        assert sorted(b["data"]["id"] for b in receiver.of_type("invitation.created")) == sorted(ids)
        assert first.process.poll() is None and second.process.poll() is None
    finally:
        stop(first)
        stop(second)


def test_a_tampered_body_or_a_stale_timestamp_fails_verification(receiver):
    usher = start_usher(FAST)
    try:
        subscribe(usher, receiver, events=("invitation.created",))
        usher.api("POST", "/identityStores/default/invite", json={"clientId": make_client(usher), "email": "tamper@example.com"})
        wait_for(lambda: receiver.accepted(), timeout=30)
        delivery = next(d for d in receiver.deliveries if d["verified"])
        headers, body = delivery["headers"], delivery["body"]
        wh = Webhook(receiver.secret)
        wh.verify(body, headers)  # as delivered: valid
        with pytest.raises(WebhookVerificationError):
            wh.verify(body.replace("tamper@example.com", "attacker@example.com"), headers)
        stale = {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 600)}
        with pytest.raises(WebhookVerificationError):
            wh.verify(body, stale)
        # Even correctly signed, an old timestamp is refused: a replay of a recorded delivery.
        old = datetime.now(timezone.utc) - timedelta(minutes=10)
        resigned = {**stale, "webhook-signature": wh.sign(headers["webhook-id"], old, body)}
        with pytest.raises(WebhookVerificationError):
            wh.verify(body, resigned)
    finally:
        stop(usher)


def test_a_private_address_is_refused_with_a_clear_400():
    usher = start_usher()  # USHER_WEBHOOK_ALLOW_PRIVATE_NETWORKS unset
    try:
        for url in ("https://10.0.0.7/hook", "https://192.168.1.20/hook", "https://169.254.169.254/latest", "https://localhost/hook"):
            r = usher.api("POST", "/webhooks", json={"url": url, "events": ["*"]})
            assert r.status_code == 400, (url, r.text)
            problem = r.json()
            assert r.headers["content-type"].startswith("application/problem+json")
            assert problem["errorKey"] == "webhook.privateAddress", problem
            assert "private" in problem["detail"] or "loopback" in problem["detail"] or "link-local" in problem["detail"]
        r = usher.api("POST", "/webhooks", json={"url": "http://127.0.0.1:9/hook", "events": ["*"]})
        assert r.status_code == 400 and r.json()["errorKey"] == "webhook.urlRefused"
        assert usher.api("GET", "/webhooks").json() == []
    finally:
        stop(usher)
