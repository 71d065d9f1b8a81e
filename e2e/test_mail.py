"""Email delivery against a real SMTP server (aiosmtpd, e2e/smtp_server.py): plain, STARTTLS
with a private CA and AUTH, implicit TLS; retries after 4xx and outages, 5xx failures, a
server killed mid-batch, and unicode headers."""
import email
import email.policy
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

import pytest

from conftest import free_port, start_usher

HERE = pathlib.Path(__file__).resolve().parent


class SMTPServer:
    def __init__(self, *args, port=0, maildir=None, certdir=None):
        self.maildir = maildir or tempfile.mkdtemp(prefix="usher-mail-")
        self.certdir = certdir or tempfile.mkdtemp(prefix="usher-certs-")
        self.args = args
        self.port = port
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "smtp_server.py"), "--port", str(self.port), "--maildir", self.maildir,
             "--certdir", self.certdir, "--lifetime", "300", *self.args],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("READY"), line
        self.port = int(line.split()[1])

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def messages(self):
        found = []
        for name in sorted(os.listdir(self.maildir)):
            if name.endswith(".eml"):
                with open(os.path.join(self.maildir, name), "rb") as f:
                    found.append(email.message_from_binary_file(f, policy=email.policy.default))
        return found

    def to(self, address):
        return [m for m in self.messages() if address in str(m["To"])]

    @property
    def ca(self):
        return os.path.join(self.certdir, "ca.pem")


def wait_for(predicate, timeout=20.0, step=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def new_usher(smtp_url, **env):
    return start_usher({"USHER_SMTP_URL": smtp_url, "USHER_MAIL_RETRY_BASE_SECONDS": "0.2",
                        "USHER_MAIL_FROM": "Usher Tests <invitations@usher.test>", **env})


def application(usher):
    app = usher.api("POST", "/applications", json={
        "name": "Café Shop", "store": "default", "protocol": "oidc",
        "clients": [{"redirectUris": ["https://shop.example.com/cb"], "loginUrl": "https://shop.example.com/login"}]})
    assert app.status_code == 201, app.text
    return app.json()["clients"][0]["clientId"]


def invite(usher, client_id, address, **extra):
    r = usher.api("POST", "/identityStores/default/invite", json={"clientId": client_id, "email": address, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def delivery(usher, invitation):
    return usher.api("GET", f"/identityStores/default/invite/{invitation['id']}").json()["delivery"]


@pytest.fixture
def cleanup():
    things = []
    yield things
    for thing in things:
        if isinstance(thing, SMTPServer):
            thing.kill()
        else:
            thing.process.terminate()
            thing.process.wait(10)


def test_starttls_with_auth_delivers_a_localized_multipart_email(cleanup):
    smtp = SMTPServer("--mode", "starttls", "--auth-user", "mailer", "--auth-password", "s3cret pass")
    cleanup.append(smtp)
    url = f"smtp://mailer:s3cret%20pass@127.0.0.1:{smtp.port}?tls=starttls&ca={urllib.parse.quote(smtp.ca)}"
    usher = new_usher(url)
    cleanup.append(usher)
    invitation = invite(usher, application(usher), "anna@example.com", language="de-DE", metadata={"givenName": "Anna", "familyName": "Groß"})
    [message] = wait_for(lambda: smtp.to("anna@example.com"))
    assert message.get_content_type() == "multipart/alternative"
    parts = {p.get_content_type(): p.get_content() for p in message.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert invitation["link"] in parts["text/plain"]
    assert invitation["link"].replace("&", "&amp;") in parts["text/html"]
    assert "Café Shop" in str(message["Subject"])
    assert "Einladung" in str(message["Subject"]) or "eingeladen" in parts["text/plain"]  # German
    assert "Anna Groß" in str(message["To"])  # unicode display name intact
    assert message["Message-ID"] and message["Date"]
    assert str(message["From"]) == "Usher Tests <invitations@usher.test>"
    d = wait_for(lambda: delivery(usher, invitation)["status"] == "sent" and delivery(usher, invitation))
    assert d["transport"] == "smtp"


def test_implicit_tls_delivers(cleanup):
    smtp = SMTPServer("--mode", "tls")
    cleanup.append(smtp)
    usher = new_usher(f"smtp://127.0.0.1:{smtp.port}?tls=tls&ca={urllib.parse.quote(smtp.ca)}")
    cleanup.append(usher)
    invite(usher, application(usher), "tls@example.com")
    wait_for(lambda: smtp.to("tls@example.com"))


def test_4xx_then_accept_delivers_exactly_once_and_5xx_fails_with_the_reason(cleanup):
    smtp = SMTPServer("--mode", "plain", "--tempfail-first", "2", "--tempfail-code", "421")
    cleanup.append(smtp)
    usher = new_usher(f"smtp://127.0.0.1:{smtp.port}?tls=none")
    cleanup.append(usher)
    client = application(usher)
    busy = invite(usher, client, "busy@example.com")
    wait_for(lambda: delivery(usher, busy)["status"] == "sent")
    time.sleep(1)  # give a duplicate the chance to show up
    assert len(smtp.to("busy@example.com")) == 1
    assert delivery(usher, busy)["attempts"] == 3

    refused = invite(usher, client, "permfail@example.com")
    d = wait_for(lambda: delivery(usher, refused)["status"] == "failed" and delivery(usher, refused))
    assert "550" in d["lastError"] and "mailbox unavailable" in d["lastError"]
    assert smtp.to("permfail@example.com") == []


def test_a_server_down_for_a_while_gets_the_email_when_it_comes_back(cleanup):
    port = free_port()
    usher = new_usher(f"smtp://127.0.0.1:{port}?tls=none")
    cleanup.append(usher)
    invitation = invite(usher, application(usher), "patient@example.com")
    d = wait_for(lambda: delivery(usher, invitation)["attempts"] >= 2 and delivery(usher, invitation))
    assert d["status"] == "queued" and d["lastError"]  # the API says why it is still waiting
    smtp = SMTPServer("--mode", "plain", port=port)
    cleanup.append(smtp)
    wait_for(lambda: delivery(usher, invitation)["status"] == "sent")
    assert len(smtp.to("patient@example.com")) == 1


def test_a_server_killed_mid_batch_loses_nothing(cleanup):
    smtp = SMTPServer("--mode", "plain", "--delay", "0.05")
    cleanup.append(smtp)
    usher = new_usher(f"smtp://127.0.0.1:{smtp.port}?tls=none")
    cleanup.append(usher)
    client = application(usher)
    addresses = [f"batch{i}@example.com" for i in range(30)]
    for a in addresses:
        invite(usher, client, a)
    wait_for(lambda: len(smtp.messages()) >= 5, step=0.01)
    smtp.kill()
    delivered_before = {str(m["To"]) for m in smtp.messages()}
    assert len(delivered_before) < 30  # it really died mid-batch
    smtp.start()  # same port, same maildir
    cleanup.append(smtp)
    mails = wait_for(lambda: (lambda ms: ms if all(any(a in str(m["To"]) for m in ms) for a in addresses) else None)(smtp.messages()), timeout=40)
    # Every email arrived; one can arrive twice only if the server took it without acknowledging.
    assert len(mails) <= 30 + 1
    listed = usher.api("GET", "/mailbox", params={"size": 100}).json()
    assert sum(1 for m in listed if m["status"] == "sent") == 30


def test_a_header_with_crlf_is_refused_and_nothing_is_sent(cleanup):
    smtp = SMTPServer("--mode", "plain")
    cleanup.append(smtp)
    usher = new_usher(f"smtp://127.0.0.1:{smtp.port}?tls=none")
    cleanup.append(usher)
    client = application(usher)
    r = usher.api("POST", "/identityStores/default/invite", json={"clientId": client, "email": "crlf@example.com",
                                                                 "metadata": {"givenName": "Eve\r\nBcc: victim@example.com"}})
    assert r.status_code == 400
    assert any(e["field"] == "metadata.givenName" for e in r.json()["fieldErrors"])
    time.sleep(0.5)
    assert smtp.messages() == []
    # And Usher refuses to start with a From header that would inject.
    env = {"USHER_MAIL_FROM": "Usher <a@b.example>\r\nBcc: victim@example.com"}
    with pytest.raises(RuntimeError) as failure:
        start_usher(env)
    assert "USHER_MAIL_FROM" in str(failure.value)
