"""Several `usher serve` instances on one PostgreSQL: one acceptance per invitation even at the
same instant on two instances, every email delivered once with workers everywhere, and a
`kill -9` during a burst losing nothing. Prints its figures."""
import os
import signal
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import free_port, hidden_inputs, start_usher
from test_mail import SMTPServer, wait_for

PG = os.environ.get("USHER_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not PG, reason="needs PostgreSQL (scripts/test provides it)")
REDIRECT = "https://shop.example.com/callback"


@pytest.fixture(scope="module")
def cluster():
    schema = "multi_" + uuid.uuid4().hex[:10]
    smtp = SMTPServer("--mode", "plain", "--delay", "0.01")
    public = f"http://127.0.0.1:{free_port()}"  # what a load balancer in front would be
    env = {"USHER_DATABASE_URL": PG + ("&" if "?" in PG else "?") + f"schema={schema}", "USHER_PUBLIC_URL": public,
           "USHER_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}?tls=none", "USHER_MAIL_RETRY_BASE_SECONDS": "0.2",
           "USHER_MAIL_LEASE_SECONDS": "3"}
    first = start_usher(env)  # migrates and bootstraps
    with ThreadPoolExecutor(2) as pool:  # two more start at the same moment
        others = list(pool.map(lambda _: start_usher(env), range(2)))
    instances = [first, *others]
    yield {"instances": instances, "smtp": smtp, "env": env}
    for i in instances:
        if i.process.poll() is None:
            i.process.terminate()
            i.process.wait(10)
    smtp.kill()


def make_client(usher):
    r = usher.api("POST", "/applications", json={"name": "Multi Shop " + uuid.uuid4().hex[:6], "store": "default", "protocol": "oidc",
                                                 "clients": [{"redirectUris": [REDIRECT], "loginUrl": "https://shop.example.com/login"}]})
    assert r.status_code == 201, r.text
    return r.json()["clients"][0]["clientId"]


def test_the_same_invitation_accepted_on_two_instances_at_once_yields_one_account(cluster):
    a, b = cluster["instances"][:2]
    client_id = make_client(a)
    outcomes = []
    for round_ in range(5):
        email = f"race{round_}@example.com"
        invitation = a.api("POST", "/identityStores/default/invite", json={"clientId": client_id, "email": email}).json()
        hint = urllib.parse.parse_qs(urllib.parse.urlparse(invitation["link"]).query)["login_hint"][0]
        forms = []
        sessions = []
        for instance in (a, b):
            s = requests.Session()
            q = urllib.parse.urlencode({"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "scope": "openid", "login_hint": hint})
            page = s.get(f"{instance.base}/oauth2/authorize?{q}")
            assert "/signup?flow=" in page.url, page.text[:300]
            forms.append((instance, s, hidden_inputs(page.text)))
        barrier = threading.Barrier(2)

        def submit(entry):
            instance, s, form = entry
            barrier.wait()
            return s.post(f"{instance.base}/signup", data={**form, "givenName": "R", "familyName": "Ace", "password": "simultaneous submit",
                                                              "passwordConfirmation": "simultaneous submit"}, allow_redirects=False).status_code
        with ThreadPoolExecutor(2) as pool:
            statuses = sorted(pool.map(submit, forms))
        outcomes.append(statuses)
        assert statuses == [303, 410], statuses
        assert len(b.api("GET", "/identityStores/default/accounts", params={"email": email}).json()) == 1
    print(f"\n[multi-instance] 2 instances, {len(outcomes)} simultaneous double submits: each gave exactly one account")


def test_a_burst_with_a_kill_minus_9_loses_nothing_and_sends_once(cluster):
    instances, smtp, env = cluster["instances"], cluster["smtp"], cluster["env"]
    client_id = make_client(instances[0])
    total = 90
    emails = [f"burst{i}@example.com" for i in range(total)]
    created = {}      # acknowledged: email -> invitation id (201)
    broken = []       # the caller never learnt the outcome: only the killed instance may do this
    unexpected = []   # anything else is a failure
    lock = threading.Lock()
    victim = instances[2]
    killed = threading.Event()
    killer_errors = []

    def create(i):
        instance = instances[i % len(instances)]
        email = emails[i]
        try:
            r = instance.api("POST", "/identityStores/default/invite", json={"clientId": client_id, "email": email}, timeout=10)
        except requests.RequestException as error:
            with lock:
                (broken if instance is victim and killed.is_set() else unexpected).append((email, repr(error)))
            return
        with lock:
            if r.status_code == 201:
                created[email] = r.json()["id"]
            else:
                unexpected.append((email, r.status_code, r.text[:300]))

    def killer():
        try:
            wait_for(lambda: len(created) >= total // 3, step=0.005)
            # Set before the signal: a request the victim fails from now on is the kill's doing.
            killed.set()
            victim.process.send_signal(signal.SIGKILL)
            victim.process.wait(10)
        except BaseException as error:  # a killer that fails fails the test (checked after join)
            killer_errors.append(error)

    k = threading.Thread(target=killer)
    k.start()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(create, range(total)))
    k.join(60)
    assert not k.is_alive(), "the killer thread did not finish"
    assert not killer_errors, killer_errors
    assert victim.process.returncode == -signal.SIGKILL, victim.process.returncode
    # Every instance answered every request 201, except the killed one once it was killed.
    assert not unexpected, unexpected
    assert len(created) + len(broken) == total, (len(created), len(broken))
    # Restart the killed instance; its leases expire and the others (or it) finish its work.
    restarted = start_usher(env)
    instances[2] = restarted

    survivor = instances[0]
    # Every acknowledged invitation exists exactly once; an unacknowledged one exists at most
    # once, and then whole (with its one email): nothing is half-written.
    existing = {}
    for email in emails:
        found = survivor.api("GET", "/identityStores/default/invite", params={"email": email, "size": 10}).json()
        assert len(found) <= 1, (email, found)
        if email in created:
            assert [i["id"] for i in found] == [created[email]], (email, found)
        if found:
            existing[email] = found[0]["id"]
    for email, invitation_id in existing.items():
        assert survivor.api("GET", f"/identityStores/default/invite/{invitation_id}").status_code == 200, email
        outbox = survivor.api("GET", "/mailbox", params={"invitationId": invitation_id, "size": 10}).json()
        assert len(outbox) == 1 and outbox[0]["to"] == email, (email, outbox)

    def all_sent():
        mails = survivor.api("GET", "/mailbox", params={"size": 200, "status": "sent"}).json()
        burst = [m for m in mails if m["to"].startswith("burst")]
        return burst if len(burst) >= len(existing) else None
    sent = wait_for(all_sent, timeout=60, step=0.3)
    assert sorted(m["to"] for m in sent) == sorted(existing), "each invitation's one email is sent"
    # Whole addresses: "burst1@" must not count burst10's to 19's emails.
    received = [a.addr_spec.lower() for m in smtp.messages() for a in m["To"].addresses if a.addr_spec.startswith("burst")]
    counts = {email: received.count(email) for email in emails}
    missing = [e for e in existing if counts[e] == 0]
    strays = [e for e, c in counts.items() if c and e not in existing]
    assert not missing, missing
    assert not strays, strays  # nothing was mailed for an invitation that does not exist
    # At-least-once delivery: twice only for an email the killed instance handed to SMTP but did
    # not live to mark sent; it holds one leased batch (OutboxWorker.Settings.batchSize = 20) at a time.
    duplicates = {e: c for e, c in counts.items() if c > 1}
    assert all(c == 2 for c in duplicates.values()), duplicates
    assert len(duplicates) <= 20, duplicates
    print(f"\n[multi-instance] 3 instances on one PostgreSQL, {total} invitation requests, 1 kill -9: "
          f"{len(created)} acknowledged (each present once), {len(broken)} answered by the dying instance with a broken connection "
          f"({len(existing) - len(created)} of them written whole, the rest not at all), "
          f"{len(sent)} emails sent, {len(received)} received by SMTP, {len(duplicates)} duplicates, 0 lost")
