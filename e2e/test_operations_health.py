"""/health/live and /health/ready on the real binary (docs/operations.md): no credentials, no
rate limit in the way of a probe, and a readiness that answers 503 problem+json naming the
database when PostgreSQL stops answering, then 200 again when it is back."""
import os
import socket
import threading
import time
import urllib.parse

import pytest
import requests

from conftest import start_usher

PG = os.environ.get("USHER_TEST_POSTGRES_URL")


class TCPProxy:
    """Forwards a local port to PostgreSQL; `cut()` drops every connection and refuses new ones."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(64)
        self.open = True
        self.sockets = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def pipe(a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        self.open = False
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.sockets = []

    def restore(self):
        self.open = True


def wait_for_status(url, status, timeout=40):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = requests.get(url, timeout=15)
        if last.status_code == status:
            return last
        time.sleep(0.2)
    raise AssertionError(f"{url} never answered {status}; last: {last.status_code} {last.text}")


def test_probes_need_no_credentials_and_are_never_rate_limited():
    usher = start_usher({"USHER_RATE_LIMITS": "on"})
    try:
        for _ in range(200):  # far more than any per-address limit allows
            assert requests.get(f"{usher.base}/health/live").status_code == 200
        ready = requests.get(f"{usher.base}/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok", "outboxWorker": "ok"}}
    finally:
        usher.process.terminate()
        usher.process.wait(10)


@pytest.mark.skipif(not PG, reason="needs PostgreSQL (scripts/test provides it)")
def test_ready_is_503_naming_the_database_while_postgresql_does_not_answer():
    url = urllib.parse.urlparse(PG)
    proxy = TCPProxy(url.hostname, url.port or 5432)
    proxied = PG.replace(f"{url.hostname}:{url.port}", f"127.0.0.1:{proxy.port}", 1)
    usher = start_usher({"USHER_DATABASE_URL": proxied + ("&" if "?" in proxied else "?") + "schema=health_probe"})
    try:
        assert requests.get(f"{usher.base}/health/ready").status_code == 200
        proxy.cut()
        down = wait_for_status(f"{usher.base}/health/ready", 503)
        assert down.headers["Content-Type"].startswith("application/problem+json")
        problem = down.json()
        assert problem["errorKey"] == "health.notReady"
        assert problem["status"] == 503
        assert problem["checks"]["database"] == "unreachable"
        assert "database" in problem["detail"]
        assert requests.get(f"{usher.base}/health/live").status_code == 200  # alive, only not ready
        proxy.restore()
        wait_for_status(f"{usher.base}/health/ready", 200)
    finally:
        usher.process.terminate()
        usher.process.wait(15)
