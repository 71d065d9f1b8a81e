"""USHER_LOG_FORMAT=json on the real binary (docs/operations.md): every line Usher writes is one
JSON object with a timestamp, a level and a message, the lines of a request carry its request
id, and requests full of secrets (client secret, bearer token, password, invitation link,
a token in a query string) leave none of them in the log, even at trace level."""
import json
import time

import requests

from conftest import CLIENT_SECRET, start_usher
from operations_support import accept, invite, make_client


def test_json_log_lines_parse_carry_the_request_id_and_hold_no_secret():
    usher = start_usher({"USHER_LOG_FORMAT": "json"}, args=("--log-level", "trace"))
    try:
        client_id = make_client(usher)
        invitation = invite(usher, client_id, "logged.invitee@example.com")
        password = "log-me-not password 7f3a"
        accept(usher, invitation, password=password)
        query_secret = "query-secret-5d1e9c0b7a"
        requests.get(f"{usher.base}/health/ready?token={query_secret}")
        wrong_secret = "wrong-client-secret-9b8c7d6e"
        assert requests.post(f"{usher.base}/oauth2/token", auth=("e2e-admin", wrong_secret),
                             data={"grant_type": "client_credentials"}).status_code == 401
        body_secret = "body-password-1a2b3c4d5e"
        requests.post(f"{usher.base}/admin/api/v1/identityStores/default/accounts",
                      json={"email": "body@example.com", "password": body_secret}, headers={"Authorization": f"Bearer {usher.token()}"})
        request_id = "e2e-request-id-0042"
        assert requests.get(f"{usher.base}/health/ready", headers={"X-Request-Id": request_id}).status_code == 200
        api_token = usher.token()
        time.sleep(0.5)  # let the last lines reach the file
    finally:
        usher.process.terminate()
        usher.process.wait(10)

    usher.log.seek(0)
    raw = usher.log.read()
    lines = [line for line in raw.splitlines() if line.strip()]
    assert len(lines) > 20
    objects = []
    for line in lines:
        obj = json.loads(line)  # every line is one JSON object
        assert isinstance(obj, dict)
        assert {"timestamp", "level", "message", "label"} <= obj.keys(), line
        objects.append(obj)
    assert any(o.get("request_id") == request_id and o["message"] == "Request answered" and o["metadata"]["route"] == "/health/ready"
               for o in objects)
    assert sum(1 for o in objects if "request_id" in o) > 10
    hint = invitation["link"].split("login_hint=")[1].split("&")[0]
    for secret in (CLIENT_SECRET, api_token, password, query_secret, wrong_secret, body_secret, hint):
        assert secret not in raw, secret
