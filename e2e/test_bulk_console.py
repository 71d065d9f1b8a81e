"""Import CSV in the console (issue 17), in Debian's chromium through Selenium: the template, the
upload, the dry-run preview with every refused row highlighted and its reason, the
confirmation, the job page that reloads itself (no script: a Refresh header) until the job is
DONE, and the results CSV. Screenshots of the preview and of the progress go to docs/screenshots/."""
import pathlib
import tempfile
import time

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import follow

SHOTS = pathlib.Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ROWS = 3000


def shot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def with_cookies(driver):
    session = requests.Session()
    for cookie in driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    return session


def test_import_csv_preview_confirm_progress_results(browser, usher):
    b = browser
    for body in ({"name": "Import Shop", "store": "default", "protocol": "oidc",
                  "clients": [{"redirectUris": ["https://import.example.com/cb"], "loginUrl": "https://import.example.com/login"}]},
                 {"name": "Import SAML Portal", "store": "default", "protocol": "saml2"}):
        assert usher.api("POST", "/applications", json=body).status_code == 201
    usher.api("POST", "/identityStores/default/groups", json={"name": "Importers"})
    client_id = next(a for a in usher.api("GET", "/applications").json() if a["name"] == "Import Shop")["clients"][0]["clientId"]
    pending = usher.api("POST", "/identityStores/default/invite", json={"clientId": client_id, "email": "already@import.example.com"})
    assert pending.status_code == 201, pending.text

    b.get(f"{usher.base}/admin/signin")
    if b.find_elements(By.ID, "sign-in"):
        b.find_element(By.ID, "email").send_keys("admin@example.com")
        b.find_element(By.ID, "password").send_keys("admin-password-123")
        follow(b, b.find_element(By.ID, "sign-in"))
    b.get(f"{usher.base}/admin/accounts?store=default&tab=invitations")
    follow(b, b.find_element(By.ID, "import-csv"))
    assert b.find_element(By.TAG_NAME, "h1").text == "Import CSV"
    apps = [o.text for o in Select(b.find_element(By.ID, "applicationId")).options]
    assert "Import Shop" in apps and "Import SAML Portal" not in apps

    # The template downloads and names every column.
    template = with_cookies(b).get(b.find_element(By.ID, "download-template").get_attribute("href"))
    assert template.status_code == 200 and template.headers["Content-Type"].startswith("text/csv")
    assert template.text.splitlines()[0] == "email,givenName,familyName,displayName,phoneNumber,language,groups"

    lines = ["email,givenName,groups"]
    lines += [f"person{i}@import.example.com,Person {i},Importers" for i in range(ROWS)]
    lines += ["not-an-email,Broken,", "already@import.example.com,Already,", "person7@import.example.com,Twice,"]
    path = pathlib.Path(tempfile.mkdtemp()) / "customers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    Select(b.find_element(By.ID, "applicationId")).select_by_visible_text("Import Shop")
    b.find_element(By.ID, "file").send_keys(str(path))
    before = int(usher.api("GET", "/identityStores/default/invite?size=1").headers["X-Total-Count"])
    follow(b, b.find_element(By.ID, "preview-import"), timeout=120)

    # The preview: counts, and each refused row highlighted with its reason. Nothing written.
    assert b.find_element(By.TAG_NAME, "h1").text == "Import CSV: preview"
    assert b.find_element(By.ID, "preview-valid").text == str(ROWS)
    assert b.find_element(By.ID, "preview-invalid").text == "3"
    refused = b.find_elements(By.CSS_SELECTOR, "#preview-table tr.refused")
    assert [r.get_attribute("data-row") for r in refused] == [str(ROWS + 1), str(ROWS + 2), str(ROWS + 3)]
    for row in refused:
        assert row.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"
        assert row.find_element(By.CLASS_NAME, "reason").text
    assert "email" in refused[0].find_element(By.CLASS_NAME, "reason").text
    assert pending.json()["id"] in refused[1].text
    assert "repeats row 8" in refused[2].text
    assert int(usher.api("GET", "/identityStores/default/invite?size=1").headers["X-Total-Count"]) == before
    shot(b, "40-import-csv-preview")

    # Confirm: the job page shows the progress and reloads itself until DONE.
    follow(b, b.find_element(By.ID, "confirm-import"), timeout=120)
    assert "/admin/invite/bulk/default/" in b.current_url
    assert b.find_element(By.ID, "bulk-progress").get_attribute("max") == str(ROWS + 3)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            value = int(b.find_element(By.ID, "bulk-progress").get_attribute("value"))
        except Exception:
            value = 0
        if 3 < value < ROWS + 3 or "done" in b.find_element(By.TAG_NAME, "h1").text:
            break
        time.sleep(0.2)
    shot(b, "41-import-csv-progress")
    WebDriverWait(b, 300, poll_frequency=0.5).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Import CSV: done")
    assert b.find_element(By.ID, "bulk-created").text == str(ROWS)
    assert b.find_element(By.ID, "bulk-conflicts").text == "1"
    assert b.find_element(By.ID, "bulk-errors").text == "2"
    assert len(b.find_elements(By.CSS_SELECTOR, "#bulk-not-created tr.refused")) == 3
    results = with_cookies(b).get(b.find_element(By.ID, "download-results").get_attribute("href"))
    assert results.status_code == 200 and "attachment" in results.headers["Content-Disposition"]
    assert results.text.count(",created,") == ROWS and results.text.count("\r\n") == ROWS + 4
    assert int(usher.api("GET", "/identityStores/default/invite?size=1").headers["X-Total-Count"]) == before + ROWS
