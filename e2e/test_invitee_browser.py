"""The invitee's journey in a real browser (Debian's chromium, Selenium), on the default
database (SQLite): the administrator finds the invitation email in the console's local mailbox,
the invitee opens its link, finds the sign-up form filled in, chooses a password and lands
signed in in the demo application, whose page shows the ID token's claims."""
import re
import tempfile

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import follow, start_usher


@pytest.fixture(scope="module")
def usher_sqlite():
    workdir = tempfile.mkdtemp(prefix="usher-e2e-sqlite-")
    server = start_usher(env_extra={"USHER_DATABASE_URL": f"sqlite://{workdir}/usher.sqlite"}, args=("--demo",))
    yield server
    server.process.terminate()
    server.process.wait(10)


def test_from_the_email_link_to_the_application(browser, usher_sqlite):
    usher = usher_sqlite
    r = usher.api("POST", "/identityStores/default/invite", json={
        "clientId": "usher-demo", "email": "walker@example.com", "metadata": {"givenName": "Wanda", "familyName": "Walker"}})
    assert r.status_code == 201, r.text

    # The administrator opens the email in the console's local mailbox and hands the link on.
    browser.delete_all_cookies()
    browser.get(f"{usher.base}/admin/signin")
    browser.find_element(By.ID, "email").send_keys("admin@example.com")
    browser.find_element(By.ID, "password").send_keys("admin-password-123")
    follow(browser, browser.find_element(By.ID, "sign-in"))
    browser.get(f"{usher.base}/admin/mailbox")
    follow(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "invited you to Usher Demo"))
    text = browser.find_element(By.ID, "mail-text").text
    link = re.search(r"https?://\S+login_hint=inv_\S+", text)
    assert link, text
    browser.delete_all_cookies()

    # The invitee, in a fresh browser session: the form is filled in, the email read-only.
    browser.get(link.group(0))
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "create-account")))
    assert "/signup?flow=" in browser.current_url
    assert browser.find_element(By.ID, "email").get_attribute("value") == "walker@example.com"
    assert browser.find_element(By.ID, "email").get_attribute("readonly") is not None
    assert browser.find_element(By.ID, "givenName").get_attribute("value") == "Wanda"
    browser.find_element(By.ID, "password").send_keys("a long walk to the shop")
    browser.find_element(By.ID, "passwordConfirmation").send_keys("a long walk to the shop")
    follow(browser, browser.find_element(By.ID, "create-account"))

    # Back in the application, signed in, with the claims of the ID token.
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "signed-in")))
    assert browser.current_url == f"{usher.base}/demo"
    claims = browser.find_element(By.ID, "claims").text
    assert "walker@example.com" in claims and "Wanda Walker" in claims

    # The invitation is DONE with the account it created.
    invitation = usher.api("GET", f"/identityStores/default/invite/{r.json()['id']}").json()
    assert invitation["status"] == "DONE" and invitation["accountId"]
