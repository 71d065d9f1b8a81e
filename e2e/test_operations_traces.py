"""OTLP traces from a real Usher (docs/operations.md), received by a small OTLP/HTTP receiver
that decodes them with the `opentelemetry-proto` package: one invitation request gives a
server span with its database child span, an incoming W3C `traceparent` is continued, and no
attribute carries the invitee's email, a token or a secret."""
import http.server
import os
import pathlib
import secrets
import subprocess
import sys
import threading
import time

import pytest
import requests

from conftest import free_port, start_usher
from operations_support import accept, invite, make_client

trace_pb2 = pytest.importorskip("opentelemetry.proto.collector.trace.v1.trace_service_pb2")


class OTLPReceiver:
    """POST /v1/traces with an ExportTraceServiceRequest (application/x-protobuf), as OTLP/HTTP says."""

    def __init__(self):
        self.spans = []
        self.resources = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path != "/v1/traces" or self.headers.get("Content-Type") != "application/x-protobuf":
                    self.send_response(404)
                    self.end_headers()
                    return
                request = trace_pb2.ExportTraceServiceRequest()
                request.ParseFromString(body)
                with receiver.lock:
                    for resource_spans in request.resource_spans:
                        receiver.resources.append(resource_spans.resource)
                        for scope_spans in resource_spans.scope_spans:
                            receiver.spans.extend(scope_spans.spans)
                answer = trace_pb2.ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def trace(self, trace_id):
        with self.lock:
            return [s for s in self.spans if s.trace_id == trace_id]

    def all(self):
        with self.lock:
            return list(self.spans)


@pytest.fixture(scope="module")
def traced():
    receiver = OTLPReceiver()
    usher = start_usher({"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver.port}", "OTEL_BSP_SCHEDULE_DELAY": "100",
                         "OTEL_SERVICE_NAME": "usher-e2e"})
    yield usher, receiver
    if usher.process.poll() is None:
        usher.process.terminate()
        usher.process.wait(10)
    receiver.server.shutdown()


def wait_for_spans(receiver, trace_id, predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        spans = receiver.trace(trace_id)
        if predicate(spans):
            return spans
        time.sleep(0.1)
    raise AssertionError(f"spans of trace {trace_id.hex()} never arrived; got {[s.name for s in receiver.trace(trace_id)]}")


def attributes(span):
    out = {}
    for kv in span.attributes:
        v = kv.value
        out[kv.key] = v.string_value if v.HasField("string_value") else v.int_value if v.HasField("int_value") else \
            v.bool_value if v.HasField("bool_value") else v.double_value
    return out


def children(spans, parent):
    return [s for s in spans if s.parent_span_id == parent.span_id]


def descendants(spans, root):
    found, frontier = [], [root]
    while frontier:
        nxt = [c for p in frontier for c in children(spans, p)]
        found.extend(nxt)
        frontier = nxt
    return found


def test_an_invitation_request_continues_the_callers_trace_with_a_database_child_span(traced):
    usher, receiver = traced
    client_id = make_client(usher)
    trace_id, parent_id = secrets.token_bytes(16), secrets.token_bytes(8)
    email = "traced.invitee@example.com"
    invitation = invite(usher, client_id, email, headers={"traceparent": f"00-{trace_id.hex()}-{parent_id.hex()}-01"})

    route = "POST /admin/api/v1/identityStores/:store/invite"
    spans = wait_for_spans(receiver, trace_id, lambda spans: any(s.name == route for s in spans)
                           and any(s.name == "db.transaction" for s in spans))
    server = next(s for s in spans if s.name == route)
    assert server.parent_span_id == parent_id  # the caller's span is the parent: the trace is continued
    assert server.kind == server.SPAN_KIND_SERVER
    attrs = attributes(server)
    assert attrs["http.request.method"] == "POST"
    assert attrs["http.route"] == "/admin/api/v1/identityStores/:store/invite"
    assert attrs["http.response.status_code"] == 201
    below = descendants(spans, server)
    transactions = [s for s in below if s.name == "db.transaction"]
    assert transactions and all(s.kind == s.SPAN_KIND_CLIENT for s in transactions)
    assert attributes(transactions[0])["db.system"] in ("sqlite", "postgresql")
    assert all(server.start_time_unix_nano <= s.start_time_unix_nano and s.end_time_unix_nano <= server.end_time_unix_nano
               for s in transactions)

    # The service is named as OTEL_SERVICE_NAME says (the standard variables apply).
    names = {kv.value.string_value for r in receiver.resources for kv in r.attributes if kv.key == "service.name"}
    assert names == {"usher-e2e"}

    # Nothing sensitive in any span: the invitee's email, the invitation link's token, the API token.
    token = usher.token()
    hint = invitation["link"].split("login_hint=")[1].split("&")[0]
    for span in receiver.all():
        text = span.name + " " + " ".join(f"{k}={v}" for k, v in attributes(span).items())
        for secret in (email, hint, token, "e2e-admin-secret-0123456789"):
            assert secret not in text, (span.name, secret)


def test_a_request_without_traceparent_starts_its_own_trace_and_sign_up_hashes_in_a_child_span(traced):
    usher, receiver = traced
    client_id = make_client(usher)
    invitation = invite(usher, client_id, "traced.signup@example.com")
    accept(usher, invitation, password="the traced password")
    def signup_trace():
        for s in receiver.all():
            if s.name == "POST /signup" and s.parent_span_id == b"":
                spans = receiver.trace(s.trace_id)
                if any(x.name == "password.hash" for x in spans):
                    return s, spans
        return None
    deadline = time.monotonic() + 30
    found = None
    while found is None and time.monotonic() < deadline:
        found = signup_trace()
        time.sleep(0.1)
    assert found, [s.name for s in receiver.all()]
    root, spans = found
    hashing = [s for s in descendants(spans, root) if s.name == "password.hash"]
    assert hashing, [s.name for s in spans]
    for span in spans:
        assert "the traced password" not in " ".join(f"{k}={v}" for k, v in attributes(span).items())


def test_sigterm_flushes_the_spans_still_queued(traced):
    """The exporter's batch is sent on shutdown: nothing is lost to a SIGTERM."""
    receiver = OTLPReceiver()
    usher = start_usher({"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver.port}", "OTEL_BSP_SCHEDULE_DELAY": "600000"})
    try:
        trace_id = secrets.token_bytes(16)
        r = __import__("requests").get(f"{usher.base}/health/live", headers={"traceparent": f"00-{trace_id.hex()}-{secrets.token_bytes(8).hex()}-01"})
        assert r.status_code == 200
        assert receiver.trace(trace_id) == []  # still in the batch (ten minutes' delay)
        usher.process.terminate()
        assert usher.process.wait(20) == 0
        assert [s.name for s in receiver.trace(trace_id)] == ["GET /health/live"]
    finally:
        if usher.process.poll() is None:
            usher.process.kill()
        receiver.server.shutdown()


def test_a_call_to_an_upstream_provider_is_a_child_span_and_carries_the_trace_on(traced):
    """Registering an external login provider reads its discovery document: that call is an
    `oidc.upstream discovery` client span under the request's, and the provider (Authlib's,
    e2e/upstream_op.py) receives the same trace in its `traceparent` header."""
    usher, receiver = traced
    op = subprocess.Popen(
        [sys.executable, str(pathlib.Path(__file__).resolve().parent / "upstream_op.py"), "--port", "0", "--client-id", "traced-rp",
         "--client-secret", "traced-secret", "--redirect-uri", f"{usher.base}/federation/callback",
         "--user", "u-t:t@upstream.example:T:Upstream:verified"],
        stdout=subprocess.PIPE, text=True)
    try:
        line = op.stdout.readline()
        assert line.startswith("READY"), line
        issuer = line.split()[1]
        trace_id, parent_id = secrets.token_bytes(16), secrets.token_bytes(8)
        r = usher.api("POST", "/externalLoginProviders", headers={"traceparent": f"00-{trace_id.hex()}-{parent_id.hex()}-01"},
                      json={"name": "Traced upstream", "issuer": issuer, "clientId": "traced-rp", "clientSecret": "traced-secret"})
        assert r.status_code == 201, r.text
        spans = wait_for_spans(receiver, trace_id, lambda spans: any(s.name == "oidc.upstream discovery" for s in spans))
        call = next(s for s in spans if s.name == "oidc.upstream discovery")
        assert call.kind == call.SPAN_KIND_CLIENT
        assert attributes(call)["server.address"] == "127.0.0.1"
        received = [t for t in requests.get(f"{issuer}/control").json()["traceparents"] if t]
        assert any(t.split("-")[1] == trace_id.hex() and t.split("-")[2] == call.span_id.hex() for t in received), received
    finally:
        op.terminate()
        op.wait(10)
