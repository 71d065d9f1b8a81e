"""The admin console in a real browser (Debian's chromium + chromium-driver, Selenium): the
product description's five steps, then Resend and Revoke; and a refusal shown on the form.
Screenshots of each page go to docs/screenshots/."""
import os
import pathlib

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import follow

SHOTS = pathlib.Path(__file__).resolve().parent.parent / "docs" / "screenshots"



def shot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


@pytest.fixture(scope="module")
def signed_in(browser, usher):
    # Data the form offers: a second store, groups, an OIDC and a SAML2 application.
    usher.api("POST", "/identityStores", json={"name": "partners", "identifiers": ["EMAIL"]})
    for name in ("VIP", "Newsletter"):
        usher.api("POST", "/identityStores/default/groups", json={"name": name})
    usher.api("POST", "/applications", json={"name": "Legacy Portal", "store": "default", "protocol": "saml2"})
    usher.api("POST", "/applications", json={"name": "Web Shop", "store": "default", "protocol": "oidc",
                                              "clients": [{"redirectUris": ["https://shop.example.com/cb"], "loginUrl": "https://shop.example.com/login"}]})
    browser.get(f"{usher.base}/admin")
    assert "/admin/signin" in browser.current_url  # not signed in: sent to the sign-in page
    shot(browser, "01-sign-in")
    browser.find_element(By.ID, "email").send_keys("admin@example.com")
    browser.find_element(By.ID, "password").send_keys("admin-password-123")
    follow(browser, browser.find_element(By.ID, "sign-in"))
    assert browser.current_url.endswith("/admin/accounts"), browser.find_element(By.TAG_NAME, "body").text
    return browser


def test_invite_resend_revoke_in_the_browser(signed_in, usher):
    b = signed_in
    # Step 1: Accounts and Groups → Accounts.
    follow(b, b.find_element(By.LINK_TEXT, "Accounts and Groups"))
    assert b.find_element(By.TAG_NAME, "h1").text == "Accounts"
    assert b.find_element(By.ID, "tab-accounts").text == "Accounts"
    assert b.find_element(By.ID, "tab-invitations").text == "Invitations"
    shot(b, "02-accounts")
    # Step 2: choose the identity store next to Invite Customer, then press it.
    Select(b.find_element(By.ID, "store")).select_by_visible_text("default")
    follow(b, b.find_element(By.ID, "choose-store"))
    follow(b, b.find_element(By.ID, "invite-customer"))
    assert b.find_element(By.TAG_NAME, "h1").text == "Invite Customer"
    # Step 3: Application lists only OIDC applications of the store.
    app_select = Select(b.find_element(By.ID, "applicationId"))
    names = [o.text for o in app_select.options]
    assert "Web Shop" in names and "Legacy Portal" not in names
    assert "SAML2 applications do not support customer invitation" in b.page_source
    app_select.select_by_visible_text("Web Shop")
    # Step 4: Invite Method, Basic Information, +Add Group (two groups), language.
    Select(b.find_element(By.ID, "inviteMethod")).select_by_visible_text("Email")
    b.find_element(By.ID, "email").send_keys("grace@example.com")
    b.find_element(By.ID, "givenName").send_keys("Grace")
    b.find_element(By.ID, "familyName").send_keys("Hopper")
    Select(b.find_element(By.ID, "group0")).select_by_visible_text("VIP")
    follow(b, b.find_element(By.ID, "add-group"))
    # What was typed survives the round trip of +Add Group.
    assert b.find_element(By.ID, "email").get_attribute("value") == "grace@example.com"
    Select(b.find_element(By.ID, "group1")).select_by_visible_text("Newsletter")
    Select(b.find_element(By.ID, "language")).select_by_visible_text("Deutsch")
    shot(b, "03-invite-customer")
    # Step 5: Send invite.
    follow(b, b.find_element(By.ID, "send-invite"))
    assert b.find_element(By.ID, "notice").text == "Invitation sent."
    assert b.find_element(By.ID, "invitation-status").text == "Pending"
    detail = b.find_element(By.ID, "invitation-detail").text
    assert "VIP" in detail and "Newsletter" in detail and "Grace" in detail and "de-DE" in detail
    shot(b, "04-invitation")
    first_sent = usher.api("GET", "/identityStores/default/invite", params={"email": "grace@example.com"}).json()[0]

    # The Invitations tab lists it as Pending.
    b.get(f"{usher.base}/admin/accounts?store=default&tab=invitations")
    row = b.find_element(By.CSS_SELECTOR, 'tr[data-email="grace@example.com"]')
    assert "Pending" in row.text and "Web Shop" in row.text
    shot(b, "05-invitations")
    follow(b, row.find_element(By.LINK_TEXT, "grace@example.com"))

    # Resend: a new link and a second email.
    follow(b, b.find_element(By.ID, "resend"))
    assert b.find_element(By.ID, "notice").text == "Invitation sent again with a new link."
    after = usher.api("GET", f"/identityStores/default/invite/{first_sent['id']}").json()
    assert after["sendCount"] == 2

    # Revoke, with confirmation: it vanishes from the list.
    b.find_element(By.ID, "confirm-revoke").click()
    follow(b, b.find_element(By.ID, "revoke"))
    assert b.find_element(By.ID, "notice").text == "Invitation revoked."
    assert not b.find_elements(By.CSS_SELECTOR, 'tr[data-email="grace@example.com"]')
    assert usher.api("GET", f"/identityStores/default/invite/{first_sent['id']}").status_code == 404
    shot(b, "06-revoked")


def test_refusal_is_shown_on_the_form_with_what_was_typed(signed_in, usher):
    b = signed_in
    usher.api("POST", "/identityStores/default/accounts", json={"email": "existing@example.com"})
    b.get(f"{usher.base}/admin/invite?store=default")
    Select(b.find_element(By.ID, "applicationId")).select_by_visible_text("Web Shop")
    b.find_element(By.ID, "email").send_keys("existing@example.com")
    b.find_element(By.ID, "givenName").send_keys("Eve")
    follow(b, b.find_element(By.ID, "send-invite"))
    error = b.find_element(By.ID, "form-error").text
    assert "already exists" in error
    assert b.find_element(By.ID, "email").get_attribute("value") == "existing@example.com"
    assert b.find_element(By.ID, "givenName").get_attribute("value") == "Eve"
    shot(b, "07-refusal")
    assert usher.api("GET", "/identityStores/default/invite", params={"email": "existing@example.com"}).json() == []


def test_other_console_pages(signed_in, usher):
    b = signed_in
    # Its own revoked invitation, so the audit log has one whatever ran before.
    created = usher.api("POST", "/identityStores/default/invite", json={"clientId": "usher-demo", "email": "audited@example.com"})
    assert created.status_code == 201, created.text
    revoked = usher.api("DELETE", f"/identityStores/default/invite/{created.json()['id']}")
    assert revoked.status_code == 204, revoked.text
    for path, heading in [("/admin/groups", "Groups"), ("/admin/applications", "Applications"), ("/admin/policies", "Self-service policies"),
                          ("/admin/mailbox", "Mailbox"), ("/admin/audit", "Audit log")]:
        b.get(usher.base + path)
        assert b.find_element(By.TAG_NAME, "h1").text == heading
        shot(b, "08-" + heading.lower().replace(" ", "-"))
    assert "invitation.revoked" in b.find_element(By.ID, "audit-table").text
