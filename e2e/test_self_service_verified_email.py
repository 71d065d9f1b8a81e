"""Issue 23 in a real browser (Debian's chromium, Selenium) with a real SMTP server (aiosmtpd,
e2e/smtp_server.py) and a real upstream OpenID provider (Authlib, e2e/upstream_op.py):

- the self-service policy's `registration.requireVerifiedEmail`: an invitee who signs up with
  another address is asked to confirm it first, and may have the link sent again; the
  verification email's link, clicked, leads on to the application, which lets them in with
  `email_verified: true`;
- unlinking an external identity on /account: an account that signed up with the upstream
  provider cannot unlink its only way to sign in, sets a password, then unlinks.

Its own server, so the demo application's policy can be changed without touching other tests.
Screenshots go to docs/screenshots/."""
import pathlib
import re
import subprocess
import sys

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import follow, start_usher
from test_mail import SMTPServer, wait_for

HERE = pathlib.Path(__file__).resolve().parent
SHOTS = HERE.parent / "docs" / "screenshots"
PASSWORD = "a long password for una"


def shot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


@pytest.fixture(scope="module")
def world():
    smtp = SMTPServer("--mode", "plain")
    usher = start_usher({"USHER_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}?tls=none", "USHER_MAIL_RETRY_BASE_SECONDS": "0.2",
                         "USHER_MAIL_FROM": "Usher Tests <accounts@usher.test>"}, args=("--demo",))
    upstream = subprocess.Popen(
        [sys.executable, str(HERE / "upstream_op.py"), "--port", "0", "--client-id", "usher-rp", "--client-secret", "upstream-secret",
         "--redirect-uri", f"{usher.base}/federation/callback", "--user", "u-lin:lin@upstream.example:Lin:Upstream:verified"],
        stdout=subprocess.PIPE, text=True)
    line = upstream.stdout.readline()
    assert line.startswith("READY"), line
    yield usher, smtp, line.split()[1]
    upstream.terminate()
    upstream.wait(10)
    usher.process.terminate()
    usher.process.wait(10)
    smtp.kill()


def demo_application(usher):
    apps = usher.api("GET", "/applications").json()
    return next(a for a in apps if any(c["clientId"] == "usher-demo" for c in a["clients"]))


def set_demo_policy(usher, options):
    policy_id = demo_application(usher)["selfServicePolicyId"]
    r = usher.api("PATCH", f"/selfServicePolicies/{policy_id}", json={"options": options})
    assert r.status_code == 200, r.text


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, pattern):
    found = re.search(pattern, text_of(message))
    assert found, text_of(message)
    return found.group(0)


def invite(usher, smtp, address):
    r = usher.api("POST", "/identityStores/default/invite", json={"clientId": "usher-demo", "email": address,
                                                                  "metadata": {"givenName": "Una"}})
    assert r.status_code == 201, r.text
    [message] = wait_for(lambda: smtp.to(address))
    return link_in(message, r"https?://\S+login_hint=inv_\S+")


def test_require_verified_email_from_sign_up_to_the_application(browser, world):
    usher, smtp, _ = world
    set_demo_policy(usher, {"accountInvitation": {"allowEmailMismatch": True}, "registration": {"requireVerifiedEmail": True}})
    link = invite(usher, smtp, "una@example.com")

    # The invitee signs up with another address than the invited one: not verified by the invitation.
    browser.delete_all_cookies()
    browser.get(link)
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "create-account")))
    email = browser.find_element(By.ID, "email")
    email.clear()
    email.send_keys("una.home@example.com")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "passwordConfirmation").send_keys(PASSWORD)
    follow(browser, browser.find_element(By.ID, "create-account"))

    # No way into the application yet: a page asks to confirm the address first.
    assert "Confirm your email address first" in browser.page_source
    assert "signed-in" not in browser.page_source
    shot(browser, "26-confirm-email-first")
    from accessibility import assert_accessible
    assert_accessible(browser, "the confirm-first page")
    # At 320 px wide it fits without scrolling sideways (no reload: the page answered a POST).
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 320, "height": 900, "deviceScaleFactor": 1, "mobile": True})
    try:
        assert browser.execute_script("return window.innerWidth") == 320
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 320
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    # The verification email, through the SMTP server.
    [first] = wait_for(lambda: smtp.to("una.home@example.com"))
    first_link = link_in(first, r"https?://\S+/email/verify\?token=\S+")

    # "Send the link again" on that page: a second email with a new link; the page says so.
    follow(browser, browser.find_element(By.ID, "resend-verification"))
    assert "We sent you a new link" in browser.find_element(By.ID, "notice").text
    messages = wait_for(lambda: smtp.to("una.home@example.com") if len(smtp.to("una.home@example.com")) >= 2 else None)
    verify = link_in(messages[-1], r"https?://\S+/email/verify\?token=\S+")
    assert verify != first_link
    # A forged resend (no CSRF token) sends nothing.
    forged = requests.post(f"{usher.base}/email/verify/resend", data={"account": "x", "client": "usher-demo", "until": "9999999999"})
    assert forged.status_code == 403

    # The application has no session for the browser meanwhile.
    browser.get(f"{usher.base}/demo")
    assert "signed-in" not in browser.page_source

    # A mail scanner's GET changes nothing; the newer link verifies, and the older one is then spent.
    assert requests.get(verify).status_code == 200
    browser.get(verify)
    follow(browser, browser.find_element(By.ID, "confirm-email"))
    assert "una.home@example.com" in browser.find_element(By.ID, "verified-detail").text
    assert requests.get(first_link).status_code == 410
    assert len(smtp.to("una.home@example.com")) == 2

    # The verified page leads on to the application (its login URL); signed in there, the ID
    # token says the address is verified.
    assert_accessible(browser, "the verified page with its way on")
    follow(browser, browser.find_element(By.ID, "way-on"))
    browser.find_element(By.ID, "email").send_keys("una.home@example.com")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    follow(browser, browser.find_element(By.ID, "sign-in"))
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "signed-in")))
    assert browser.current_url == f"{usher.base}/demo"
    claims = browser.find_element(By.ID, "claims").text
    assert "una.home@example.com" in claims and re.search(r"email_verified\s+(true|1)\b", claims), claims


def test_unlink_an_external_identity_on_the_account_page(browser, world):
    usher, smtp, upstream = world
    set_demo_policy(usher, {"accountInvitation": {"allowEmailMismatch": False}, "registration": {"requireVerifiedEmail": False}})
    provider = usher.api("POST", "/externalLoginProviders", json={
        "name": "Upstream ID", "issuer": upstream, "clientId": "usher-rp", "clientSecret": "upstream-secret",
        "scopes": ["openid", "email", "profile"]})
    assert provider.status_code == 201, provider.text
    demo = demo_application(usher)
    r = usher.api("PATCH", f"/applications/{demo['id']}", json={"externalLoginProviders": [{"id": provider.json()["id"]}]})
    assert r.status_code == 200, r.text
    requests.post(f"{upstream}/control", json={"user": "u-lin", "tamper": None}).raise_for_status()
    link = invite(usher, smtp, "lin@upstream.example")

    # Sign up with the upstream identity: back in the application, signed in, no password.
    browser.delete_all_cookies()
    browser.get(link)
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "create-account")))
    follow(browser, browser.find_element(By.XPATH, "//button[contains(., 'Continue with Upstream ID')]"))
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "signed-in")))

    # Its only way to sign in: listed, but no Unlink.
    browser.get(f"{usher.base}/account")
    identities = browser.find_element(By.XPATH, "//section[@aria-labelledby='identities-heading']")
    assert "Upstream ID" in identities.text and "lin@upstream.example" in identities.text
    assert not identities.find_elements(By.TAG_NAME, "button")

    # With a password set, the identity can go.
    browser.find_element(By.ID, "new-password").send_keys(PASSWORD)
    browser.find_element(By.ID, "new-password-confirmation").send_keys(PASSWORD)
    follow(browser, browser.find_element(By.ID, "change-password"))
    assert "password is changed" in browser.find_element(By.ID, "notice").text
    unlink = browser.find_element(By.XPATH, "//button[contains(., 'Unlink Upstream ID')]")
    shot(browser, "27-account-linked-provider")
    follow(browser, unlink)
    assert "unlinked" in browser.find_element(By.ID, "notice").text
    identities = browser.find_element(By.XPATH, "//section[@aria-labelledby='identities-heading']")
    assert "Upstream ID" not in identities.text

    listed = usher.api("GET", "/identityStores/default/accounts", params={"email": "lin@upstream.example"}).json()
    account = usher.api("GET", f"/identityStores/default/accounts/{listed[0]['id']}").json()
    assert account["externalIdentities"] == [] and account["hasPassword"] is True
    audit = usher.api("GET", "/auditEvents", params={"action": "account.identity_unlinked"}).json()
    assert audit

    # The password signs in now; the upstream identity no longer does.
    browser.delete_all_cookies()
    browser.get(f"{usher.base}/demo/login")
    browser.find_element(By.ID, "email").send_keys("lin@upstream.example")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    follow(browser, browser.find_element(By.ID, "sign-in"))
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "signed-in")))
    browser.delete_all_cookies()
    browser.get(f"{usher.base}/demo/login")
    follow(browser, browser.find_element(By.XPATH, "//button[contains(., 'Continue with Upstream ID')]"))
    assert "signed-in" not in browser.page_source
    assert "No account for this Upstream ID identity" in browser.page_source


def test_the_identity_stores_page_switches_account_deletion(browser, world):
    """The console's Identity stores page (selfService.accountDeletion) in the browser, and axe-core on it."""
    from accessibility import assert_accessible

    usher, _, _ = world
    browser.delete_all_cookies()
    browser.get(f"{usher.base}/admin/signin")
    browser.find_element(By.ID, "email").send_keys("admin@example.com")
    browser.find_element(By.ID, "password").send_keys("admin-password-123")
    follow(browser, browser.find_element(By.ID, "sign-in"))
    follow(browser, browser.find_element(By.LINK_TEXT, "Identity stores"))
    box = browser.find_element(By.ID, "account-deletion-default")
    assert box.is_selected()
    assert_accessible(browser, "the Identity stores page")
    box.click()
    follow(browser, browser.find_element(By.ID, "save-store-default"))
    assert "Identity store saved." in browser.find_element(By.ID, "notice").text
    assert not browser.find_element(By.ID, "account-deletion-default").is_selected()
    store = usher.api("GET", "/identityStores/default").json()
    assert store["selfService"] == {"accountDeletion": False}
    usher.api("PATCH", "/identityStores/default", json={"selfService": {"accountDeletion": True}}).raise_for_status()
