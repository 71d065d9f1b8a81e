"""The console's Organizations pages and the invite form's Organization and Roles pickers in a
real browser (chromium + Selenium), without script doing the work: every step is a form round
trip. Screenshots go to docs/screenshots/ (issue 16)."""
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
def console(browser, usher):
    for name, description in (("owner", "Runs the organization's account"), ("billing", "Sees invoices")):
        usher.api("POST", "/identityStores/default/roles", json={"name": name, "description": description})
    usher.api("POST", "/identityStores/default/accounts", json={"email": "wile@acme.example", "givenName": "Wile", "familyName": "Coyote"})
    app = usher.api("POST", "/applications", json={
        "name": "Acme Partner Portal", "store": "default", "protocol": "oidc",
        "clients": [{"redirectUris": ["https://portal.example.com/cb"], "loginUrl": "https://portal.example.com/login"}]})
    assert app.status_code == 201, app.text
    browser.get(f"{usher.base}/admin/signin")
    browser.find_element(By.ID, "email").send_keys("admin@example.com")
    browser.find_element(By.ID, "password").send_keys("admin-password-123")
    follow(browser, browser.find_element(By.ID, "sign-in"))
    return browser


def test_organizations_page_members_and_roles(console, usher):
    b = console
    follow(b, b.find_element(By.LINK_TEXT, "Organizations"))
    assert b.find_element(By.TAG_NAME, "h1").text == "Organizations"
    b.find_element(By.ID, "name").send_keys("acme")
    b.find_element(By.ID, "displayName").send_keys("Acme Corporation")
    b.find_element(By.ID, "domains").send_keys("acme.example, acme-corp.example")
    follow(b, b.find_element(By.ID, "create-organization"))
    assert b.find_element(By.ID, "notice").text == "Organization created."
    assert b.find_element(By.TAG_NAME, "h1").text == "Acme Corporation"
    b.find_element(By.ID, "email").send_keys("wile@acme.example")
    for label in b.find_elements(By.CSS_SELECTOR, "fieldset label"):
        if label.text.strip() == "owner":
            label.find_element(By.TAG_NAME, "input").click()
    follow(b, b.find_element(By.ID, "add-member"))
    assert b.find_element(By.ID, "notice").text == "Member saved."
    members = b.find_element(By.ID, "members-table").text
    assert "wile@acme.example" in members and "owner" in members
    shot(b, "30-organization")
    follow(b, b.find_element(By.LINK_TEXT, "← Organizations"))
    table = b.find_element(By.ID, "organizations-table").text
    assert "acme" in table and "Acme Corporation" in table and "acme.example" in table
    shot(b, "31-organizations")


def test_invite_form_with_an_organization_and_its_roles(console, usher):
    b = console
    b.get(f"{usher.base}/admin/invite?store=default")
    assert b.find_element(By.TAG_NAME, "h1").text == "Invite Customer"
    Select(b.find_element(By.ID, "applicationId")).select_by_visible_text("Acme Partner Portal")
    b.find_element(By.ID, "email").send_keys("road.runner@acme.example")
    b.find_element(By.ID, "givenName").send_keys("Road")
    # Roles are offered only once an organization is chosen.
    assert not b.find_elements(By.ID, "roles")
    Select(b.find_element(By.ID, "organization")).select_by_visible_text("Acme Corporation (acme)")
    follow(b, b.find_element(By.ID, "choose-organization"))
    assert b.find_element(By.ID, "email").get_attribute("value") == "road.runner@acme.example"
    roles = b.find_element(By.ID, "roles")
    for label in roles.find_elements(By.TAG_NAME, "label"):
        if label.text.strip() == "billing":
            label.find_element(By.TAG_NAME, "input").click()
    b.execute_script("document.getElementById('organization').scrollIntoView({block: 'center'})")
    shot(b, "32-invite-with-organization")
    follow(b, b.find_element(By.ID, "send-invite"))
    assert b.find_element(By.ID, "notice").text == "Invitation sent."
    invitations = usher.api("GET", "/identityStores/default/invite", params={"email": "road.runner@acme.example"}).json()
    assert invitations[0]["organizationName"] == "acme"
    assert [r["organization"] for r in invitations[0]["roles"]] == [invitations[0]["organization"]]

    # The Invitations tab shows the organization and filters by it.
    b.get(f"{usher.base}/admin/accounts?store=default&tab=invitations")
    Select(b.find_element(By.ID, "organization-filter")).select_by_visible_text("Acme Corporation")
    follow(b, b.find_element(By.XPATH, "//button[text()='Filter']"))
    rows = b.find_elements(By.CSS_SELECTOR, "#invitations-table tbody tr")
    assert [r.get_attribute("data-email") for r in rows] == ["road.runner@acme.example"]
    assert "acme" in rows[0].text
    shot(b, "33-invitations-by-organization")
