"""Customer self-service (issue 23) in a real browser (Debian's chromium, Selenium) with a real
SMTP server (aiosmtpd, e2e/smtp_server.py) receiving the emails: "Forgot password?" from the
demo application's sign-in page to the application again; the account page's email
verification and email change, each through the link in the email; the same answer, in
comparable time, for an account's address and an unknown one; the account page at 320 px.
Screenshots go to docs/screenshots/."""
import pathlib
import re
import statistics
import time

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import follow, hidden_inputs, start_usher
from test_mail import SMTPServer, wait_for

SHOTS = pathlib.Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "the first long password"
NEW_PASSWORD = "a brand new long password"


def shot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


@pytest.fixture(scope="module")
def world():
    smtp = SMTPServer("--mode", "plain")
    # The demo application lives in the same server (`usher serve --demo`).
    usher = start_usher({"USHER_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}?tls=none", "USHER_MAIL_RETRY_BASE_SECONDS": "0.2",
                         "USHER_MAIL_FROM": "Usher Tests <accounts@usher.test>"}, args=("--demo",))
    yield usher, smtp
    usher.process.terminate()
    usher.process.wait(10)
    smtp.kill()


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, path):
    found = re.search(r"https?://\S+" + re.escape(path) + r"\?token=\S+", text_of(message))
    assert found, text_of(message)
    return found.group(0)


def account(usher, address, **fields):
    r = usher.api("POST", "/identityStores/default/accounts", json={"email": address, "password": PASSWORD, **fields})
    assert r.status_code == 201, r.text
    return r.json()


def sign_in(browser, usher, address, password):
    browser.get(f"{usher.base}/demo/login")
    browser.find_element(By.ID, "email").send_keys(address)
    browser.find_element(By.ID, "password").send_keys(password)
    follow(browser, browser.find_element(By.ID, "sign-in"))
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "signed-in")))


def test_forgot_password_from_the_sign_in_page_back_to_the_application(browser, world):
    usher, smtp = world
    account(usher, "rita@example.com", givenName="Rita")
    # Signed in elsewhere first: the reset ends that session and its refresh token.
    other = requests.Session()
    page = other.get(f"{usher.base}/demo/login")
    form = hidden_inputs(page.text)
    r = other.post(f"{usher.base}/signin", data={**form, "email": "rita@example.com", "password": PASSWORD}, allow_redirects=True)
    assert "signed-in" in r.text

    browser.delete_all_cookies()
    browser.get(f"{usher.base}/demo/login")
    shot(browser, "20-sign-in-with-forgot-password")
    follow(browser, browser.find_element(By.ID, "forgot-password"))
    assert "/password/forgot?flow=" in browser.current_url
    browser.find_element(By.ID, "email").send_keys("rita@example.com")
    shot(browser, "21-forgot-password")
    follow(browser, browser.find_element(By.ID, "send-reset-link"))
    assert "If an account in" in browser.find_element(By.ID, "forgot-sent").text
    shot(browser, "22-forgot-password-sent")

    [message] = wait_for(lambda: smtp.to("rita@example.com"))
    assert "Reset your password" in str(message["Subject"])
    link = link_in(message, "/password/reset")
    # A mail scanner fetching the link changes nothing: the link still works afterwards.
    for _ in range(2):
        assert requests.get(link).status_code == 200

    browser.get(link)
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "set-password")))
    browser.find_element(By.ID, "password").send_keys(NEW_PASSWORD)
    browser.find_element(By.ID, "passwordConfirmation").send_keys(NEW_PASSWORD)
    shot(browser, "23-choose-new-password")
    follow(browser, browser.find_element(By.ID, "set-password"))

    # Back in the application the sign-in started from, signed in.
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "signed-in")))
    assert browser.current_url == f"{usher.base}/demo"
    assert "rita@example.com" in browser.find_element(By.ID, "claims").text

    # The link is spent; the other browser's session is gone (a new sign-in asks for a password).
    assert requests.get(link).status_code == 410
    again = other.get(f"{usher.base}/demo/login")
    assert "/signin?flow=" in again.url
    audit = usher.api("GET", "/auditEvents", params={"action": "account.password_changed"}).json()
    assert audit


def test_verification_and_email_change_from_the_account_page(browser, world):
    usher, smtp = world
    account(usher, "sam@example.com", givenName="Sam")
    browser.delete_all_cookies()
    sign_in(browser, usher, "sam@example.com", PASSWORD)

    browser.get(f"{usher.base}/account")
    assert browser.find_element(By.ID, "account-email").text == "sam@example.com"
    shot(browser, "24-account-page")
    # Verification: the account's address is not verified yet; ask for the link again.
    follow(browser, browser.find_element(By.ID, "resend-verification"))
    assert "verification link" in browser.find_element(By.ID, "notice").text
    [message] = wait_for(lambda: smtp.to("sam@example.com"))
    verify = link_in(message, "/email/verify")
    assert requests.get(verify).status_code == 200  # a scanner: nothing happens
    browser.get(verify)
    follow(browser, browser.find_element(By.ID, "confirm-email"))
    assert "is now your account's email address" in browser.find_element(By.ID, "verified-detail").text
    listed = usher.api("GET", "/identityStores/default/accounts", params={"email": "sam@example.com"}).json()
    assert listed[0]["emailVerified"] is True

    # Email change: the current password, a link to the new address, a notice to the old one.
    browser.get(f"{usher.base}/account")
    browser.find_element(By.ID, "new-email").send_keys("sam.new@example.com")
    browser.find_element(By.ID, "email-current-password").send_keys(PASSWORD)
    follow(browser, browser.find_element(By.ID, "change-email"))
    assert "sam.new@example.com" in browser.find_element(By.ID, "pending-email").text
    notice = wait_for(lambda: [m for m in smtp.to("sam@example.com") if "about to change" in str(m["Subject"])])
    assert "sam.new@example.com" in text_of(notice[0])
    [change] = wait_for(lambda: smtp.to("sam.new@example.com"))
    browser.get(link_in(change, "/email/verify"))
    follow(browser, browser.find_element(By.ID, "confirm-email"))
    browser.get(f"{usher.base}/account")
    assert browser.find_element(By.ID, "account-email").text == "sam.new@example.com"

    # At 320 px wide the page fits without scrolling sideways.
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 320, "height": 900, "deviceScaleFactor": 1, "mobile": True})
    try:
        browser.get(f"{usher.base}/account")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 320
        shot(browser, "25-account-page-320px")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_same_answer_in_comparable_time_for_known_and_unknown_addresses(world):
    usher, smtp = world
    account(usher, "tess@example.com")
    client = requests.Session()

    def ask(address):
        page = client.get(f"{usher.base}/password/forgot?store=default")
        form = hidden_inputs(page.text)
        started = time.perf_counter()
        r = client.post(f"{usher.base}/password/forgot", data={**form, "email": address})
        return r.status_code, r.text, time.perf_counter() - started

    known, unknown = [], []
    for i in range(4):  # within the per-address limit (5 an hour)
        known.append(ask("tess@example.com"))
        unknown.append(ask(f"nobody{i}@example.com"))
    assert {k[0] for k in known} == {u[0] for u in unknown} == {200}
    assert {k[1] for k in known} == {u[1] for u in unknown}
    # Comparable: the account's extra work (one row and one queued email) is milliseconds; a
    # password hash or an SMTP conversation in the answer would be ten times this.
    assert abs(statistics.median(k[2] for k in known) - statistics.median(u[2] for u in unknown)) < 0.05
    wait_for(lambda: len(smtp.to("tess@example.com")) == 4)
    assert not [m for m in smtp.messages() if "nobody" in str(m["To"])]
