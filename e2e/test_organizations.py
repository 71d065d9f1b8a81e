"""Organizations and roles (issue 16) with a real OpenID Connect client (Authlib): an invitation
into an organization with a role, as Strivacity's API shapes it, is accepted in a browser-like
session; the ID token, verified against Usher's JWKS, carries org_id, org_name and roles; a later
sign-in names the organization with the `organization` authorization parameter."""
import pytest
import requests

from conftest import hidden_inputs
from test_journey import RelyingParty, open_signup


class OrganizationRelyingParty(RelyingParty):
    """The journey's relying party, passing an `organization` query parameter on to authorize."""

    def login(self, q):
        status, headers, body = super().login({k: v for k, v in q.items() if k != "organization"})
        if status == 302 and q.get("organization"):
            headers["Location"] += "&organization=" + requests.utils.quote(q["organization"])
        return status, headers, body


@pytest.fixture(scope="module")
def org_setup(usher):
    rp = OrganizationRelyingParty(usher.base)
    app = usher.api("POST", "/applications", json={
        "name": "Acme Portal", "store": "default", "protocol": "oidc",
        "clients": [{"redirectUris": [f"{rp.base}/callback"], "loginUrl": f"{rp.base}/login"}],
    })
    assert app.status_code == 201, app.text
    client = app.json()["clients"][0]
    rp.client_id, rp.client_secret = client["clientId"], client["clientSecret"]
    acme = usher.api("POST", "/identityStores/default/organizations",
                     json={"name": "acme-e2e", "displayName": "Acme", "domains": ["acme.example"]})
    assert acme.status_code == 201, acme.text
    globex = usher.api("POST", "/identityStores/default/organizations", json={"name": "globex-e2e", "displayName": "Globex"})
    admin = usher.api("POST", "/identityStores/default/roles", json={"name": "org-admin", "description": "Runs the organization"})
    assert admin.status_code == 201, admin.text
    yield {"rp": rp, "acme": acme.json()["id"], "globex": globex.json()["id"], "admin": admin.json()["id"]}
    rp.server.shutdown()


def test_strivacity_shaped_organization_invitations(usher, org_setup):
    rp, acme, globex, admin = org_setup["rp"], org_setup["acme"], org_setup["globex"], org_setup["admin"]
    path = "/identityStores/default/invite"
    # `roles` is required in Strivacity's document; `[]` is always fine, and no organization is a plain invitation.
    plain = usher.api("POST", path, json={"clientId": rp.client_id, "email": "plain-org@example.com", "roles": []})
    assert plain.status_code == 201, plain.text
    assert plain.json()["roles"] == [] and plain.json().get("organization") is None
    unknown = usher.api("POST", path, json={"clientId": rp.client_id, "email": "x1@example.com",
                                            "organization": "00000000-0000-4000-8000-000000000000", "roles": []})
    assert unknown.status_code == 404 and unknown.json()["errorKey"] == "organization.notFound"
    other = usher.api("POST", path, json={"clientId": rp.client_id, "email": "x2@example.com", "organization": acme,
                                          "roles": [{"id": admin, "organization": globex}]})
    assert other.status_code == 400 and other.json()["errorKey"] == "invitation.roleOtherOrganization", other.text
    # The organization filters: only invitations to it; an unknown id lists nothing.
    to_globex = usher.api("POST", path, json={"clientId": rp.client_id, "email": "g@example.com", "organization": globex, "roles": []})
    assert to_globex.status_code == 201
    listed = usher.api("GET", path, params={"organization": globex}).json()
    assert [i["email"] for i in listed] == ["g@example.com"]
    assert [i["id"] for i in usher.api("GET", path, params={"organizationScope": globex}).json()] == [i["id"] for i in listed]
    assert usher.api("GET", path, params={"organization": "00000000-0000-4000-8000-000000000000"}).json() == []


def test_an_organization_invitation_gives_its_claims_to_the_application(usher, org_setup):
    rp, acme, globex, admin = org_setup["rp"], org_setup["acme"], org_setup["globex"], org_setup["admin"]
    created = usher.api("POST", "/identityStores/default/invite", json={
        "clientId": rp.client_id, "email": "wile@acme.example", "organization": acme,
        "roles": [{"id": admin, "organization": acme}],
        "metadata": {"name": {"givenName": "Wile", "familyName": "Coyote"}},
    })
    assert created.status_code == 201, created.text
    invitation = created.json()
    assert invitation["organization"] == acme and invitation["roles"] == [{"id": admin, "organization": acme}]

    browser = requests.Session()
    page = open_signup(browser, invitation["link"])
    done = browser.post(f"{usher.base}/signup", data={**hidden_inputs(page.text), "givenName": "Wile", "familyName": "Coyote",
                                                         "password": "super genius 1949", "passwordConfirmation": "super genius 1949"})
    assert done.status_code == 200 and done.text == "signed in", done.text[:500]
    claims = rp.results[-1]["claims"]  # verified by Authlib against the JWKS
    assert claims["org_id"] == acme and claims["org_name"] == "acme-e2e" and claims["roles"] == ["org-admin"]
    userinfo = requests.get(rp.metadata["userinfo_endpoint"],
                            headers={"Authorization": f"Bearer {rp.results[-1]['token']['access_token']}"}).json()
    assert userinfo["org_id"] == acme and userinfo["roles"] == ["org-admin"]

    members = usher.api("GET", f"/identityStores/default/organizations/{acme}/members").json()
    assert [(m["id"], [r["name"] for r in m["roles"]]) for m in members] == [(claims["sub"], ["org-admin"])]

    # Later sign-ins name the organization with the authorize parameter (by name here); the
    # browser's session answers at once.
    again = browser.get(f"{rp.base}/login", params={"organization": "acme-e2e"})
    assert again.status_code == 200 and again.text == "signed in", again.text[:500]
    assert rp.results[-1]["claims"]["org_id"] == acme
    # An organization the account is not in: a clear page, and the application gets no code.
    refused = browser.get(f"{rp.base}/login", params={"organization": globex})
    assert refused.status_code == 403 and "Not a member of this organization" in refused.text
    assert "Globex" in refused.text
