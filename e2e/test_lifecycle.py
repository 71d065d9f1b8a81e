"""The invitation's life with real parts (issue 19): an administrator invites in the console,
the link expires (its validUntil moved into the past in the database, not by waiting), the
lifecycle sweep turns it EXPIRED and the administrator's notice arrives through a real SMTP
server (aiosmtpd) once; the invitee opens the expired link from the real email in Chromium and
asks for a new invitation; the console shows "Renewal requested" and the insights page.
Screenshots of the expired link's page and the insights page go to docs/screenshots/."""
import re
import sqlite3
import tempfile

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from accessibility import assert_accessible
from conftest import follow, start_usher
from test_console import shot
from test_mail import SMTPServer, wait_for


@pytest.fixture(scope="module")
def lifecycle():
    workdir = tempfile.mkdtemp(prefix="usher-e2e-lifecycle-")
    smtp = SMTPServer()
    database = f"{workdir}/usher.sqlite"
    server = start_usher(
        env_extra={"USHER_DATABASE_URL": f"sqlite://{database}", "USHER_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}?tls=none",
                   "USHER_MAIL_FROM": "Usher <invitations@usher.test>", "USHER_LIFECYCLE_INTERVAL_SECONDS": "1",
                   "USHER_MAIL_RETRY_BASE_SECONDS": "0.2"},
        args=("--demo",))
    yield server, smtp, database
    server.process.terminate()
    server.process.wait(10)
    smtp.kill()


def sign_in(browser, usher):
    browser.delete_all_cookies()
    browser.get(f"{usher.base}/admin/signin")
    browser.find_element(By.ID, "email").send_keys("admin@example.com")
    browser.find_element(By.ID, "password").send_keys("admin-password-123")
    follow(browser, browser.find_element(By.ID, "sign-in"))


def test_an_expired_invitation_notifies_its_inviter_once_and_its_link_asks_for_a_new_one(browser, lifecycle):
    usher, smtp, database = lifecycle
    # The administrator invites through the console.
    sign_in(browser, usher)
    browser.get(f"{usher.base}/admin/invite?store=default")
    Select(browser.find_element(By.ID, "applicationId")).select_by_visible_text("Usher Demo")
    browser.find_element(By.ID, "email").send_keys("late@example.com")
    browser.find_element(By.ID, "givenName").send_keys("Lena")
    follow(browser, browser.find_element(By.ID, "send-invite"))
    invitation_id = re.search(r"/admin/invitations/default/([0-9A-Fa-f-]{36})", browser.current_url).group(1)
    invitation_email = wait_for(lambda: smtp.to("late@example.com"))[0]
    link = re.search(r"https?://\S+login_hint=inv_\S+", invitation_email.get_body(("plain",)).get_content()).group(0)

    # Its link runs out: validUntil moves 4 days back (dates are seconds since 1970 in SQLite).
    with sqlite3.connect(database, timeout=30) as db:
        db.execute("UPDATE invitations SET valid_until = valid_until - 345600 WHERE lower(id) = lower(?) OR id = ?",
                   (invitation_id, invitation_id))
    notices = wait_for(lambda: [m for m in smtp.to("admin@example.com") if "expired unaccepted" in str(m["Subject"])], timeout=30)
    assert len(notices) == 1
    assert str(notices[0]["Subject"]) == "Your invitation to late@example.com expired unaccepted"
    assert f"/admin/invitations/default/{invitation_id}" in notices[0].get_body(("plain",)).get_content()
    api = usher.api("GET", f"/identityStores/default/invite/{invitation_id}").json()
    assert api["status"] == "EXPIRED"

    # The invitee opens the expired link from the email, in a fresh browser session.
    browser.delete_all_cookies()
    browser.get(link)
    assert "This invitation has expired" in browser.find_element(By.TAG_NAME, "h1").text
    assert "expired on" in browser.find_element(By.ID, "expired-on").text
    shot(browser, "11-expired-link")
    assert_accessible(browser, "the expired link")
    follow(browser, browser.find_element(By.ID, "ask-renewal"))
    assert "has been told" in browser.find_element(By.ID, "renewal-sent").text
    assert_accessible(browser, "a new invitation is asked for")
    assert usher.api("GET", f"/identityStores/default/invite/{invitation_id}").json()["renewalRequestedAt"]
    # Still exactly one notice: the transition happened once, however many sweeps ran since.
    assert len([m for m in smtp.to("admin@example.com") if "expired unaccepted" in str(m["Subject"])]) == 1

    # The administrator sees it in the Invitations tab, filtered, and on the insights page.
    sign_in(browser, usher)
    browser.get(f"{usher.base}/admin/accounts?store=default&tab=invitations&status=RENEWAL_REQUESTED")
    row = browser.find_element(By.CSS_SELECTOR, 'tr[data-email="late@example.com"]')
    assert "Renewal requested" in row.text
    browser.get(f"{usher.base}/admin/insights?store=default")
    assert browser.find_element(By.ID, "total-created").text == "1"
    assert browser.find_element(By.ID, "chart-days").is_displayed()
    shot(browser, "10-insights")
