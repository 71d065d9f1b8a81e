"""A client written strictly to Strivacity's published Account Invitation API (its five
operations) against Usher: requests shaped exactly as that document shapes them (required
`roles`, nested `metadata`, `X-Skip-Email-Verification`, several `sort`s, `size` above the
maximum), and every answer checked against the schemas of the OpenAPI document Usher serves."""
import jsonschema
import pytest
import requests

from conftest import hidden_inputs
from test_journey import RelyingParty, open_signup

INVITE = "/identityStores/default/invite"


def resolved(doc, node):
    """The schema with every local $ref replaced by what it names."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].split("/")[-1]
            return resolved(doc, doc["components"]["schemas"][name])
        return {k: resolved(doc, v) for k, v in node.items()}
    if isinstance(node, list):
        return [resolved(doc, v) for v in node]
    return node


@pytest.fixture(scope="module")
def setup(usher):
    """An application of its own (the session's Usher is shared with other modules)."""
    rp = RelyingParty(usher.base)
    beta = usher.api("POST", "/identityStores/default/groups", json={"name": "Strivacity Beta"}).json()["id"]
    app = usher.api("POST", "/applications", json={
        "name": "Strivacity Shop", "store": "default", "protocol": "oidc",
        "clients": [{"redirectUris": [f"{rp.base}/callback"], "loginUrl": f"{rp.base}/login"}],
    })
    assert app.status_code == 201, app.text
    rp.client_id, rp.client_secret = app.json()["clients"][0]["clientId"], app.json()["clients"][0]["clientSecret"]
    yield {"rp": rp, "beta": beta}
    rp.server.shutdown()


class Contract:
    def __init__(self, usher):
        self.doc = requests.get(f"{usher.base}/openapi.json").json()

    def check(self, response, path, method):
        """The status is one the operation declares, and the body fits its schema."""
        operation = self.doc["paths"]["/admin/api/v1" + path][method]
        code = str(response.status_code)
        assert code in operation["responses"], f"{method.upper()} {path} answered {code}, not declared: {response.text[:300]}"
        content = operation["responses"][code].get("content")
        if content:
            schema = resolved(self.doc, next(iter(content.values()))["schema"])
            jsonschema.validate(response.json(), schema)
        return response


def test_a_strivacity_client_works_unchanged(usher, setup):
    contract = Contract(usher)
    client_id = setup["rp"].client_id
    body = {"clientId": client_id, "email": "john.doe@example.com", "groups": [{"id": setup["beta"]}], "language": "en-US",
            "metadata": {"name": {"givenName": "John", "familyName": "Doe"}}, "roles": []}
    created = contract.check(usher.api("POST", INVITE, json=body, headers={"X-Skip-Email-Verification": "true"}),
                             "/identityStores/{store}/invite", "post")
    assert created.status_code == 201, created.text
    invitation = created.json()
    assert invitation["metadata"] == body["metadata"] and invitation["roles"] == []

    # The nested name prefills the form the invitee sees.
    page = open_signup(requests.Session(), invitation["link"])
    assert 'value="John"' in page.text and 'value="Doe"' in page.text

    # A pending duplicate: 409 with conflictingId, as Strivacity declares.
    again = contract.check(usher.api("POST", INVITE, json=body), "/identityStores/{store}/invite", "post")
    assert again.status_code == 409 and again.json()["conflictingId"] == invitation["id"]
    # A malformed group id is a bad request, not an unknown one.
    bad = contract.check(usher.api("POST", INVITE, json={**body, "email": "x@example.com", "groups": [{"id": "no such id!"}]}),
                         "/identityStores/{store}/invite", "post")
    assert bad.status_code == 400

    second = usher.api("POST", INVITE, json={**body, "email": "anna@example.com"})
    assert second.status_code == 201
    listed = contract.check(usher.api("GET", INVITE, params=[("clientId", client_id), ("sort", "email,desc"), ("sort", "created,asc"), ("size", "1000")]),
                            "/identityStores/{store}/invite", "get")
    assert listed.status_code == 200
    assert [i["email"] for i in listed.json()] == ["john.doe@example.com", "anna@example.com"]
    assert contract.check(usher.api("GET", INVITE, params={"sort": "nonsense,asc"}), "/identityStores/{store}/invite",
                          "get").status_code == 400

    one = f"{INVITE}/{invitation['id']}"
    assert contract.check(usher.api("GET", one), "/identityStores/{store}/invite/{id}", "get").status_code == 200
    assert contract.check(usher.api("POST", one + "/resend"), "/identityStores/{store}/invite/{id}/resend", "post").status_code == 200
    unknown = contract.check(usher.api("GET", f"{INVITE}/not-an-id"), "/identityStores/{store}/invite/{id}", "get")
    assert unknown.status_code == 404

    # Accepted: resend is 400 (Strivacity declares no 409), revoke 204 and the account stays.
    resent = usher.api("GET", one).json()
    fresh = usher.api("POST", INVITE, json={**body, "email": "accepting@example.com"}).json()
    browser = requests.Session()
    form = hidden_inputs(open_signup(browser, fresh["link"]).text)
    done = browser.post(f"{usher.base}/signup", data={**form, "givenName": "John", "familyName": "Doe",
                                                         "password": "a strivacity shaped password", "passwordConfirmation": "a strivacity shaped password"})
    assert done.status_code == 200, done.text[:300]
    accepted = f"{INVITE}/{fresh['id']}"
    refused = contract.check(usher.api("POST", accepted + "/resend"), "/identityStores/{store}/invite/{id}/resend", "post")
    assert refused.status_code == 400 and refused.json()["errorKey"] == "invitation.alreadyAccepted"
    revoked = contract.check(usher.api("DELETE", accepted), "/identityStores/{store}/invite/{id}", "delete")
    assert revoked.status_code == 204
    assert usher.api("GET", "/identityStores/default/accounts", params={"email": "accepting@example.com"}).json()
    assert resent["status"] == "PENDING"
