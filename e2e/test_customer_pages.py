"""The customer's pages in a real browser (Debian's chromium, Selenium), issue 22: every page of
the journey passes axe-core (no serious or critical violation) — the invitation link, the sign-up
form (and with its errors), the application, Back after the sign-up, the used, unknown and
revoked link pages with their way on, sign-in (and its error), "Forgot password?", the emailed
reset link, and /account; a German invitation comes as a German email and a German sign-up
page; the sign-up and sign-in pages fit 320 px; a double click on Create account lands in the
application. Emails arrive at a real SMTP server (aiosmtpd). Screenshots of the sign-up page at
390 px and 1280 px go to docs/screenshots/."""
import pathlib
import re
import urllib.parse

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from accessibility import assert_accessible
from conftest import follow, start_usher
from test_mail import SMTPServer, wait_for

SHOTS = pathlib.Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "a long walk to the shop"


@pytest.fixture(scope="module")
def world():
    smtp = SMTPServer("--mode", "plain")
    usher = start_usher({"USHER_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}?tls=none", "USHER_MAIL_RETRY_BASE_SECONDS": "0.2",
                         "USHER_MAIL_FROM": "Usher Tests <accounts@usher.test>"}, args=("--demo",))
    yield usher, smtp
    usher.process.terminate()
    usher.process.wait(10)
    smtp.kill()


def invite(usher, email, **fields):
    r = usher.api("POST", "/identityStores/default/invite", json={"clientId": "usher-demo", "email": email, **fields})
    assert r.status_code == 201, r.text
    return r.json()


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def wait_id(browser, element_id):
    return WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, element_id)))


def fits(browser, width):
    """At `width` CSS pixels (emulated as a phone, so the window's own minimum does not hide a
    problem), nothing scrolls sideways and every visible input and button ends inside the page."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": True})
    try:
        browser.refresh()
        inner = browser.execute_script("return window.innerWidth")
        assert inner == width, inner
        scroll = browser.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width, f"{browser.current_url}: {scroll} px wide at {width} px"
        for element in browser.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]), button"):
            right = browser.execute_script("return arguments[0].getBoundingClientRect().right", element)
            assert right <= width + 0.5, f"{element.get_attribute('id')} ends at {right} px"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_every_page_of_the_journey_passes_axe(browser, world):
    usher, smtp = world
    invitation = invite(usher, "axel@example.com", metadata={"givenName": "Axel"})
    browser.delete_all_cookies()
    browser.set_window_size(1280, 1700)

    browser.get(invitation["link"])
    wait_id(browser, "create-account")
    assert_accessible(browser, "the sign-up form")
    # The sign-up page at a phone's width and a desktop's, for the README.
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(390, 1000)
    browser.save_screenshot(str(SHOTS / "signup-390.png"))
    fits(browser, 320)
    browser.set_window_size(1280, 1000)
    browser.save_screenshot(str(SHOTS / "signup-1280.png"))

    # Refused: each error under its field, tied to it, and the page still passes.
    browser.find_element(By.ID, "password").send_keys("short")
    browser.find_element(By.ID, "passwordConfirmation").send_keys("short")
    follow(browser, browser.find_element(By.ID, "create-account"))
    password = browser.find_element(By.ID, "password")
    assert password.get_attribute("aria-invalid") == "true"
    assert "password-error" in password.get_attribute("aria-describedby")
    assert "at least 10 characters" in browser.find_element(By.ID, "password-error").text
    assert_accessible(browser, "the sign-up form with errors")

    # The link again, so that Back after the sign-up goes to the form (not to the refused POST).
    browser.get(invitation["link"])
    wait_id(browser, "create-account")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "passwordConfirmation").send_keys(PASSWORD)
    follow(browser, browser.find_element(By.ID, "create-account"))
    wait_id(browser, "signed-in")
    assert_accessible(browser, "the application")

    # Back: the invitation is accepted, and the application one click away.
    browser.back()
    wait_id(browser, "signup-accepted")
    assert_accessible(browser, "the sign-up form after Back")
    follow(browser, browser.find_element(By.ID, "continue"))
    wait_id(browser, "signed-in")

    # The link again: used, with the way to sign in to the application (signed in already here).
    browser.get(invitation["link"])
    way_on = wait_id(browser, "way-on")
    assert "already been used" in browser.find_element(By.TAG_NAME, "h1").text
    assert_accessible(browser, "a used invitation link")
    follow(browser, way_on)
    wait_id(browser, "signed-in")

    browser.get(f"{usher.base}/account")
    wait_id(browser, "account-email")
    assert_accessible(browser, "the account page")
    fits(browser, 320)
    browser.set_window_size(1280, 1700)

    # An unknown link and a withdrawn one, in a browser without a session.
    browser.delete_all_cookies()
    unknown = re.sub(r"login_hint=inv_[^&]+", "login_hint=inv_" + "x" * 43, invitation["link"])
    browser.get(unknown)
    wait_id(browser, "way-on")
    assert "not valid" in browser.find_element(By.TAG_NAME, "h1").text
    assert_accessible(browser, "an unknown invitation link")
    revoked = invite(usher, "rhea@example.com")
    assert usher.api("DELETE", f"/identityStores/default/invite/{revoked['id']}").status_code in (200, 204)
    browser.get(revoked["link"])
    wait_id(browser, "error-detail")
    assert "withdrawn" in browser.find_element(By.TAG_NAME, "h1").text
    assert_accessible(browser, "a revoked invitation link")

    # Sign-in, its refusal, and "Forgot password?" to the emailed link.
    browser.get(f"{usher.base}/demo/login")
    wait_id(browser, "sign-in")
    assert_accessible(browser, "the sign-in page")
    fits(browser, 320)
    browser.set_window_size(1280, 1700)
    browser.find_element(By.ID, "email").send_keys("axel@example.com")
    browser.find_element(By.ID, "password").send_keys("not the password at all")
    follow(browser, browser.find_element(By.ID, "sign-in"))
    wait_id(browser, "form-error")
    assert_accessible(browser, "the sign-in page with its error")
    follow(browser, browser.find_element(By.ID, "forgot-password"))
    wait_id(browser, "send-reset-link")
    assert_accessible(browser, "Forgot password?")
    browser.find_element(By.ID, "email").clear()
    browser.find_element(By.ID, "email").send_keys("axel@example.com")
    follow(browser, browser.find_element(By.ID, "send-reset-link"))
    wait_id(browser, "forgot-sent")
    assert_accessible(browser, "the reset link is sent")
    [message] = wait_for(lambda: [m for m in smtp.to("axel@example.com") if "Reset your password" in str(m["Subject"])])
    link = re.search(r"https?://\S+/password/reset\?token=\S+", text_of(message)).group(0)
    browser.get(link)
    wait_id(browser, "set-password")
    assert_accessible(browser, "the emailed reset link")


def test_a_german_invitation_comes_in_german(browser, world):
    usher, smtp = world
    invitation = invite(usher, "greta@example.com", language="de-DE", metadata={"givenName": "Greta"})
    [message] = wait_for(lambda: smtp.to("greta@example.com"))
    assert "hat Sie zu Usher Demo eingeladen" in str(message["Subject"])
    assert "Konto erstellen" in message.get_body(preferencelist=("html",)).get_content()

    browser.delete_all_cookies()
    browser.set_window_size(1280, 1700)
    link = re.search(r"https?://\S+login_hint=inv_\S+", text_of(message)).group(0)
    assert link == invitation["link"]
    browser.get(link)
    button = wait_id(browser, "create-account")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de-DE"
    assert button.text == "Konto erstellen"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Konto erstellen"
    assert browser.find_element(By.CSS_SELECTOR, "label[for=password]").text == "Passwort"
    assert_accessible(browser, "the German sign-up form")


def test_a_double_click_on_create_account_lands_in_the_application(browser, world):
    usher, _ = world
    invitation = invite(usher, "dora@example.com")
    browser.delete_all_cookies()
    browser.get(invitation["link"])
    wait_id(browser, "create-account")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "passwordConfirmation").send_keys(PASSWORD)
    # Two submits a moment apart, as a double click sends them; the browser shows the second answer.
    browser.execute_script(
        "const f = document.querySelector('form[action=\"/signup\"]'); f.submit(); setTimeout(() => f.submit(), 60);")
    wait_id(browser, "signed-in")
    assert "dora@example.com" in browser.find_element(By.ID, "claims").text
    accounts = usher.api("GET", "/identityStores/default/accounts", params={"email": "dora@example.com"})
    assert accounts.status_code == 200, accounts.text
    assert accounts.text.count("dora@example.com") >= 1


def test_email_verification_pages_pass_axe(browser, world):
    usher, smtp = world
    r = usher.api("POST", "/identityStores/default/accounts", json={"email": "vera@example.com", "password": PASSWORD})
    assert r.status_code == 201, r.text
    browser.delete_all_cookies()
    browser.get(f"{usher.base}/demo/login")
    browser.find_element(By.ID, "email").send_keys("vera@example.com")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    follow(browser, browser.find_element(By.ID, "sign-in"))
    wait_id(browser, "signed-in")
    browser.get(f"{usher.base}/account")
    follow(browser, wait_id(browser, "resend-verification"))
    assert_accessible(browser, "the account page with its notice")
    [message] = wait_for(lambda: smtp.to("vera@example.com"))
    link = re.search(r"https?://\S+/email/verify\?token=\S+", text_of(message)).group(0)
    browser.get(link)
    assert_accessible(browser, "the email confirmation page")
    follow(browser, wait_id(browser, "confirm-email"))
    wait_id(browser, "verified-detail")
    assert_accessible(browser, "the email is confirmed")
