"""Real peers for Usher's end-to-end tests: the real `usher` binary, on SQLite or (when
USHER_TEST_POSTGRES_URL is set) PostgreSQL, driven over HTTP."""
import os
import pathlib
import re
import socket
import subprocess
import tempfile
import time
import uuid

import shutil

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / ".build" / "debug" / "usher"
CLIENT_ID = "e2e-admin"
CLIENT_SECRET = "e2e-admin-secret-0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Usher:
    def __init__(self, base, process, log):
        self.base = base
        self.process = process
        self.log = log
        self._token = None

    def token(self):
        if self._token is None:
            r = requests.post(f"{self.base}/oauth2/token", auth=(CLIENT_ID, CLIENT_SECRET), data={"grant_type": "client_credentials"})
            r.raise_for_status()
            self._token = r.json()["access_token"]
        return self._token

    def api(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {})
        headers["Authorization"] = f"Bearer {self.token()}"
        return requests.request(method, f"{self.base}/admin/api/v1{path}", headers=headers, **kwargs)


def database_url():
    """A new database that several starts can share (a restart, a second instance): a schema
    of its own on PostgreSQL, else a SQLite file in a new folder."""
    pg = os.environ.get("USHER_TEST_POSTGRES_URL")
    if pg:
        return pg + ("&" if "?" in pg else "?") + "schema=e2e_shared_" + uuid.uuid4().hex[:10]
    return f"sqlite://{tempfile.mkdtemp(prefix='usher-e2e-shared-')}/usher.sqlite"


def start_usher(env_extra=None, args=()):
    if not BINARY.exists():
        raise RuntimeError(f"{BINARY} is missing: run `swift build` first (scripts/test does)")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="usher-e2e-")
    env = dict(os.environ)
    pg = os.environ.get("USHER_TEST_POSTGRES_URL")
    if pg:
        schema = "e2e_" + uuid.uuid4().hex[:12]
        env["USHER_DATABASE_URL"] = pg + ("&" if "?" in pg else "?") + f"schema={schema}"
    else:
        env["USHER_DATABASE_URL"] = f"sqlite://{workdir}/usher.sqlite"
    env.update({
        "USHER_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "USHER_BOOTSTRAP_API_CLIENT_ID": CLIENT_ID,
        "USHER_BOOTSTRAP_API_CLIENT_SECRET": CLIENT_SECRET,
        "USHER_BOOTSTRAP_ADMIN_EMAIL": "admin@example.com",
        "USHER_BOOTSTRAP_ADMIN_PASSWORD": "admin-password-123",
        "USHER_BCRYPT_COST": "4",
        "USHER_RATE_LIMITS": "off",
    })
    env.update(env_extra or {})
    log = open(f"{workdir}/usher.log", "w+")
    process = subprocess.Popen([str(BINARY), "serve", "--port", str(port), *args], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError("usher exited:\n" + log.read())
        try:
            if requests.get(f"{base}/health", timeout=1).status_code == 200:
                return Usher(base, process, log)
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError("usher did not become healthy")


@pytest.fixture(scope="session")
def usher():
    server = start_usher(args=("--demo",))
    yield server
    server.process.terminate()
    server.process.wait(10)


def hidden_inputs(html):
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def input_value(html, name):
    m = re.search(r'<input id="%s" name="%s"[^>]*value="([^"]*)"([^>]*)>' % (name, name), html)
    return (m.group(1), m.group(2)) if m else (None, None)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, through chromium-driver (Selenium)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1700", "--disable-gpu"):
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def follow(driver, element, timeout=30):
    """Clicks a link or submit button and waits until the next page has replaced this one.
    A click returns as soon as the browser has it; on a slow machine (a password hash, a cold
    cache) reading the page straight after would still read the old one. Selenium's own
    staleness_of is not enough: while the old document is being torn down chromium-driver can
    answer "Node with given id does not belong to the document" instead of "stale element",
    which is the same fact (the page was replaced) under another name."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def replaced(_):
        try:
            old.is_enabled()
            return False
        except WebDriverException:
            return True

    WebDriverWait(driver, timeout).until(replaced)
