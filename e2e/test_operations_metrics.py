"""Debian's Prometheus scrapes a real Usher (docs/operations.md): the invitation counters move by
exactly what was done, read back through Prometheus's HTTP API after real scrapes — of the
separate metrics port (no token) and of the main port (bearer token)."""
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse

import pytest
import requests

from conftest import free_port, start_usher
from operations_support import accept, invite, make_client

PROMETHEUS = shutil.which("prometheus")
pytestmark = pytest.mark.skipif(not PROMETHEUS, reason="needs Debian's prometheus (scripts/install-test-deps installs it)")
TOKEN = "e2e-metrics-token-0123456789abcdef"


@pytest.fixture(scope="module")
def stack():
    metrics_port = free_port()
    usher = start_usher({"USHER_METRICS": "true", "USHER_METRICS_TOKEN": TOKEN, "USHER_METRICS_PORT": str(metrics_port)})
    main_port = urllib.parse.urlparse(usher.base).port
    work = tempfile.mkdtemp(prefix="usher-prometheus-")
    with open(f"{work}/prometheus.yml", "w") as f:
        f.write(f"""
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: usher
    static_configs: [{{targets: ["127.0.0.1:{metrics_port}"]}}]
  - job_name: usher-main
    authorization: {{type: Bearer, credentials: "{TOKEN}"}}
    static_configs: [{{targets: ["127.0.0.1:{main_port}"]}}]
""")
    prom_port = free_port()
    log = open(f"{work}/prometheus.log", "w+")
    prom = subprocess.Popen([PROMETHEUS, f"--config.file={work}/prometheus.yml", f"--storage.tsdb.path={work}/data",
                             f"--web.listen-address=127.0.0.1:{prom_port}"], stdout=log, stderr=subprocess.STDOUT)
    api = f"http://127.0.0.1:{prom_port}/api/v1"
    try:
        wait_until(lambda: len(query(api, 'up == 1')) == 2, "Prometheus never scraped both targets", log)
        yield {"usher": usher, "api": api, "log": log, "graph": f"http://127.0.0.1:{prom_port}/graph"}
    finally:
        prom.terminate()
        prom.wait(10)
        usher.process.terminate()
        usher.process.wait(10)


def query(api, promql):
    r = requests.get(f"{api}/query", params={"query": promql}, timeout=5)
    r.raise_for_status()
    return r.json()["data"]["result"]


def value(api, promql):
    result = query(api, promql)
    return float(result[0]["value"][1]) if result else 0.0


def wait_until(condition, message, log=None, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    if log:
        log.seek(0)
        message += "\n" + log.read()[-3000:]
    raise AssertionError(message)


def in_job(series, job):
    """`name{a="b"}` → `name{job="usher",a="b"}`."""
    name, _, labels = series.partition("{")
    return name + '{job="' + job + '"' + ("," + labels if labels else "}")


def scraped_after(api, job, moment):
    """True once Prometheus has a sample of `job` taken after `moment` (seconds since the epoch)."""
    result = query(api, f'timestamp(up{{job="{job}"}})')
    return bool(result) and float(result[0]["value"][1]) > moment + 0.1


def test_prometheus_sees_the_counters_move_by_exactly_what_was_done(stack):
    usher, api = stack["usher"], stack["api"]
    client_id = make_client(usher)
    for job in ("usher", "usher-main"):
        for series in ('usher_invitations_total{event="created"}', 'usher_invitations_total{event="accepted"}',
                       'usher_invitations_total{event="revoked"}'):
            assert value(api, f"sum({in_job(series, job)})") == 0, (job, series)

    invitations = [invite(usher, client_id, f"scraped{i}@example.com") for i in range(3)]
    for invitation in invitations[:2]:
        accept(usher, invitation)
    assert usher.api("DELETE", f"/identityStores/default/invite/{invitations[2]['id']}").status_code == 204
    duplicate = usher.api("POST", "/identityStores/default/invite", json={"clientId": client_id, "email": "scraped0@example.com"})
    assert duplicate.status_code in (400, 409), duplicate.text
    refused_key = duplicate.json()["errorKey"]
    done = time.time()

    for job in ("usher", "usher-main"):
        wait_until(lambda: scraped_after(api, job, done) and value(api, f'usher_outbox_depth{{job="{job}"}}') == 0,
                   f"no scrape of {job} after the work, or emails still queued", stack["log"])
        def counter(series, job=job):
            return value(api, f"sum({in_job(series, job)})")
        assert counter('usher_invitations_total{event="created"}') == 3
        assert counter('usher_invitations_total{event="accepted"}') == 2
        assert counter('usher_invitations_total{event="revoked"}') == 1
        assert counter('usher_invitations_total{event="resent"}') == 0
        assert counter('usher_signups_total{via="invitation"}') == 2
        assert counter(f'usher_refusals_total{{error_key="{refused_key}"}}') == 1
        assert counter('usher_http_requests_total{route="/admin/api/v1/identityStores/:store/invite",method="POST",status="201"}') == 3
        assert counter('usher_email_deliveries_total{outcome="sent"}') == 3
        assert counter('usher_http_request_duration_seconds_count{route="/admin/api/v1/identityStores/:store/invite",method="POST"}') == 4
        assert value(api, f'usher_build_info{{job="{job}"}}') == 1

    # Labels are route templates: no invitation id, no email anywhere in Prometheus's label values.
    routes = requests.get(f"{api}/label/route/values", timeout=5).json()["data"]
    assert "/admin/api/v1/identityStores/:store/invite/:id" in routes
    assert not any(i["id"] in r for r in routes for i in invitations)
    for label in ("route", "error_key", "event", "outcome"):
        values = requests.get(f"{api}/label/{label}/values", timeout=5).json()["data"]
        assert not any("@" in v for v in values), (label, values)


def test_the_main_port_refuses_a_scrape_without_the_token(stack):
    usher = stack["usher"]
    assert requests.get(f"{usher.base}/metrics").status_code == 401
    assert requests.get(f"{usher.base}/metrics", headers={"Authorization": "Bearer wrong-token-0123456789"}).status_code == 401
    ok = requests.get(f"{usher.base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.headers["Content-Type"].startswith("text/plain")


def test_screenshot_of_prometheus_graph_page(stack):
    """With USHER_OPS_SCREENSHOT=path, Debian's chromium takes the picture docs/operations.md shows
    (Grafana is not packaged in Debian): Prometheus's graph of the counters this module moved."""
    path = os.environ.get("USHER_OPS_SCREENSHOT")
    chromium = shutil.which("chromium")
    if not path or not chromium:
        pytest.skip("set USHER_OPS_SCREENSHOT=path (and install chromium) to take it")
    expr = 'sum by (event) (usher_invitations_total{job="usher"})'
    url = stack["graph"] + "?" + urllib.parse.urlencode({"g0.expr": expr, "g0.tab": "0", "g0.range_input": "5m"})
    subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,900",
                    "--virtual-time-budget=8000", f"--screenshot={os.path.abspath(path)}", url], check=True, capture_output=True, timeout=60)
    assert os.path.getsize(path) > 10000
