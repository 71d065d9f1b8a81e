"""The admin console in a real browser (Debian's chromium + chromium-driver, Selenium): the
product description's five steps, then Resend and Revoke; and a refusal shown on the form; the
mailbox's links, confirmations, the console at phone, tablet and desktop widths, and axe-core on
every console page (issue 22). Screenshots of each page go to docs/screenshots/."""
import os
import pathlib
import re
from urllib.parse import urljoin

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from accessibility import axe_violations, describe
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


def open_email_to(b, usher, email):
    b.get(f"{usher.base}/admin/mailbox")
    row = b.find_element(By.XPATH, f'//table[@id="mailbox-table"]//tr[td[1][normalize-space()="{email}"]]')
    follow(b, row.find_element(By.TAG_NAME, "a"))


def opens_sign_up_in_a_new_tab(b, click):
    """Clicks, then finds the sign-up form in a second tab, closes it and comes back."""
    main = b.current_window_handle
    click()
    b.switch_to.default_content()
    WebDriverWait(b, 30).until(lambda d: len(d.window_handles) == 2)
    b.switch_to.window(next(h for h in b.window_handles if h != main))
    WebDriverWait(b, 30).until(expected_conditions.presence_of_element_located((By.ID, "create-account")))
    assert "/signup?flow=" in b.current_url
    b.close()
    b.switch_to.window(main)


def test_mailbox_links_open_the_sign_up_page_in_a_new_tab(signed_in, usher):
    b = signed_in
    r = usher.api("POST", "/identityStores/default/invite", json={"clientId": "usher-demo", "email": "tab@example.com"})
    assert r.status_code == 201, r.text
    open_email_to(b, usher, "tab@example.com")
    mail_page = b.current_url
    # The HTML email sits in a sandboxed frame; its link opens a new tab, where the demo
    # application (which refuses to be framed) starts the sign-up.
    b.switch_to.frame(b.find_element(By.ID, "mail-html"))
    link = b.find_element(By.CSS_SELECTOR, "a[href*='login_hint=']")
    assert link.get_attribute("target") == "_blank"
    opens_sign_up_in_a_new_tab(b, link.click)
    assert b.current_url == mail_page
    # The plain text's address is a link too.
    text_link = b.find_element(By.CSS_SELECTOR, "#mail-text a")
    assert "login_hint=" in text_link.get_attribute("href") and text_link.text == text_link.get_attribute("href")
    opens_sign_up_in_a_new_tab(b, text_link.click)


def test_deleting_a_group_asks_first_and_groups_count_their_members(signed_in, usher):
    b = signed_in
    group = usher.api("POST", "/identityStores/default/groups", json={"name": "Short-lived"}).json()
    account = usher.api("POST", "/identityStores/default/accounts", json={"email": "member@example.com"}).json()
    assert usher.api("POST", f"/identityStores/default/groups/{group['id']}/members", json={"id": account["id"]}).status_code == 204
    b.get(f"{usher.base}/admin/groups?store=default")
    row = b.find_element(By.XPATH, '//table[@id="groups-table"]//tr[td[1][normalize-space()="Short-lived"]]')
    assert row.find_elements(By.TAG_NAME, "td")[2].text == "1"
    follow(b, row.find_element(By.TAG_NAME, "button"))
    assert b.find_element(By.ID, "confirm-question").text == "Delete the group Short-lived?"
    assert "1 member leaves it" in b.find_element(By.ID, "confirm-consequence").text
    follow(b, b.find_element(By.ID, "confirm-cancel"))
    assert b.find_elements(By.XPATH, '//table[@id="groups-table"]//td[normalize-space()="Short-lived"]')
    row = b.find_element(By.XPATH, '//table[@id="groups-table"]//tr[td[1][normalize-space()="Short-lived"]]')
    follow(b, row.find_element(By.TAG_NAME, "button"))
    follow(b, b.find_element(By.ID, "confirm-action"))
    assert b.find_element(By.ID, "notice").text == "Group deleted."
    assert not b.find_elements(By.XPATH, '//table[@id="groups-table"]//td[normalize-space()="Short-lived"]')


def test_a_duplicate_invitation_links_to_the_pending_one(signed_in, usher):
    b = signed_in
    first = usher.api("POST", "/identityStores/default/invite", json={"clientId": "usher-demo", "email": "duplicate-in-console@example.com"})
    assert first.status_code == 201, first.text
    b.get(f"{usher.base}/admin/invite?store=default")
    Select(b.find_element(By.ID, "applicationId")).select_by_visible_text("Usher Demo")
    b.find_element(By.ID, "email").send_keys("duplicate-in-console@example.com")
    follow(b, b.find_element(By.ID, "send-invite"))
    assert "already exists" in b.find_element(By.ID, "form-error").text
    follow(b, b.find_element(By.ID, "existing-invitation"))
    assert b.find_element(By.TAG_NAME, "h1").text == "Invitation for duplicate-in-console@example.com"
    assert b.current_url.split("?")[0].endswith(first.json()["id"])
    # It reads as a person would say it: who invited, when; no raw ids, no stray dashes.
    invited_by = b.find_element(By.ID, "invited-by").text
    assert re.fullmatch(r"Invited by Bootstrap admin client on \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC", invited_by), invited_by
    assert "apiClient:" not in b.page_source and "administrator:" not in b.page_source


def test_applications_are_created_and_edited_in_the_browser(signed_in, usher):
    b = signed_in
    b.get(f"{usher.base}/admin/applications")
    b.find_element(By.ID, "name").send_keys("Old Portal")
    Select(b.find_element(By.ID, "protocol")).select_by_value("saml2")
    follow(b, b.find_element(By.ID, "create-application"))
    created = b.find_element(By.ID, "application-created").text
    assert created == "Application Old Portal created. A SAML2 application has no OIDC client or secret.", created
    follow(b, b.find_element(By.LINK_TEXT, "Web Shop"))
    redirects = b.find_element(By.ID, "redirectUris0")
    redirects.send_keys("\nhttps://shop.example.com/cb2")
    login = b.find_element(By.ID, "loginUrl0")
    login.clear()
    login.send_keys("https://shop.example.com/start")
    b.find_element(By.XPATH, '//fieldset[@id="application-groups"]//label[normalize-space()="VIP"]/input').click()
    follow(b, b.find_element(By.ID, "save-application"))
    assert b.find_element(By.ID, "notice").text == "Application saved."
    detail = b.find_element(By.ID, "application-detail").text
    assert "https://shop.example.com/cb2" in detail and "https://shop.example.com/start" in detail and "VIP" in detail
    app = next(a for a in usher.api("GET", "/applications").json() if a["name"] == "Web Shop")
    assert app["clients"][0]["redirectUris"] == ["https://shop.example.com/cb", "https://shop.example.com/cb2"]


def nav_links(b):
    return b.find_elements(By.CSS_SELECTOR, "nav.top a")


@pytest.mark.parametrize("width", [390, 768, 1280])
def test_the_console_fits_phone_tablet_and_desktop_widths(signed_in, usher, width):
    b = signed_in
    b.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 768})
    try:
        for path in ["/admin/accounts?store=default&tab=invitations", "/admin/groups", "/admin/invite?store=default",
                     "/admin/applications", "/admin/mailbox", "/admin/audit"]:
            b.get(usher.base + path)
            # A page wider than a phone's screen makes the phone zoom out (innerWidth grows).
            overflow = b.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
            assert overflow[1] == width, f"{path} at {width}px is {overflow[1]}px wide: " + b.execute_script(
                "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > arguments[0] + 1)"
                ".slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')", width)
            assert overflow[0] <= overflow[1], f"{path} at {width}px scrolls sideways: {overflow}"
            links = nav_links(b)
            assert len(links) >= 9
            for link in links:
                b.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
                # Wholly inside the viewport, and what a tap there hits is the link itself.
                left, right, hit = b.execute_script(
                    "const r = arguments[0].getBoundingClientRect();"
                    "const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
                    "return [r.left, r.right, e === arguments[0] || arguments[0].contains(e)];", link)
                assert link.is_displayed() and left >= 0 and right <= width and hit, f"{link.text} at {width}px: {left}..{right}, {hit}"
            if path.startswith("/admin/accounts") and width in (390, 1280):
                shot(b, f"console-invitations-{width}")
        # Every navigation link leads to its page.
        b.get(usher.base + "/admin/groups")
        follow(b, next(a for a in nav_links(b) if a.text == "Mailbox"))
        assert b.find_element(By.TAG_NAME, "h1").text == "Mailbox"
    finally:
        b.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_every_console_page_passes_axe(signed_in, usher):
    """axe-core on every page the navigation reaches, the detail pages behind them, a refused
    form and a confirmation; then signed out, the sign-in page."""
    b = signed_in
    org = usher.api("POST", "/identityStores/default/organizations", json={"name": "axe-org"}).json()
    webhook = usher.api("POST", "/webhooks", json={"url": "https://hooks.example.com/usher", "events": ["invitation.*"]})
    saml = usher.api("POST", "/applications", json={"name": "Axe SAML", "store": "default", "protocol": "saml2"}).json()
    invited = usher.api("POST", "/identityStores/default/invite", json={"clientId": "usher-demo", "email": "axe@example.com"}).json()
    account = usher.api("POST", "/identityStores/default/accounts", json={"email": "axe-account@example.com"}).json()
    b.get(f"{usher.base}/admin/accounts")
    pages = [urljoin(b.current_url, a.get_attribute("href")) for a in nav_links(b)]
    pages += [f"{usher.base}{p}" for p in (
        "/admin/accounts?store=default&tab=invitations", f"/admin/accounts/default/{account['id']}", "/admin/invite?store=default",
        f"/admin/invitations/default/{invited['id']}", f"/admin/organizations/default/{org['id']}",
        f"/admin/applications/{saml['id']}", "/admin/invite/bulk?store=default")]
    demo = next(a for a in usher.api("GET", "/applications").json() if a["name"] == "Usher Demo")
    pages.append(f"{usher.base}/admin/applications/{demo['id']}")
    if webhook.status_code == 201:
        pages.append(f"{usher.base}/admin/webhooks/{webhook.json()['id']}")
    found = {}

    def check(what):
        violations = axe_violations(b)
        if violations:
            found[what] = describe(violations)

    checked = []
    for page in dict.fromkeys(pages):
        b.get(page)
        assert b.find_element(By.TAG_NAME, "h1").text, page
        check(page)
        checked.append(page)
        if page.endswith("/admin/mailbox"):
            follow(b, b.find_element(By.CSS_SELECTOR, "#mailbox-table a"))
            check("an email in the mailbox")
    # A refused form and a confirmation page.
    b.get(f"{usher.base}/admin/invite?store=default")
    b.find_element(By.ID, "email").send_keys("not an address")
    b.execute_script("document.getElementById('invite-form').noValidate = true")  # let the server refuse it
    follow(b, b.find_element(By.ID, "send-invite"))
    assert b.find_elements(By.ID, "form-error")
    check("the refused invite form")
    b.get(f"{usher.base}/admin/groups?store=default")
    follow(b, b.find_element(By.CSS_SELECTOR, "#groups-table button"))
    assert b.find_element(By.ID, "confirm-question")
    check("a confirmation")
    # The top bar's email is readable (WCAG AA contrast is one of axe's serious rules, checked
    # above) and signing out leads to the sign-in page, which passes too.
    follow(b, b.find_element(By.XPATH, '//nav//button[normalize-space()="Sign out"]'))
    assert "/admin/signin" in b.current_url
    check("the sign-in page")
    assert len(checked) >= 15, checked
    assert not found, "\n".join(f"axe on {what}:\n{report}" for what, report in found.items())
