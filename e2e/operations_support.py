"""Shared by the operations e2e tests: an invitation accepted through the real sign-up form."""
import urllib.parse
import uuid

import requests

from conftest import hidden_inputs

REDIRECT = "https://shop.example.com/callback"


def make_client(usher):
    r = usher.api("POST", "/applications", json={"name": "Ops Shop " + uuid.uuid4().hex[:6], "store": "default", "protocol": "oidc",
                                                 "clients": [{"redirectUris": [REDIRECT], "loginUrl": "https://shop.example.com/login"}]})
    assert r.status_code == 201, r.text
    return r.json()["clients"][0]["clientId"]


def invite(usher, client_id, email, headers=None):
    r = usher.api("POST", "/identityStores/default/invite", json={"clientId": client_id, "email": email}, headers=headers or {})
    assert r.status_code == 201, r.text
    return r.json()


def accept(usher, invitation, password="a long enough password"):
    """Opens the invitation link and submits the sign-up form, as the invitee's browser does."""
    s = requests.Session()
    # The link opens the application's login URL, which sends the browser to /oauth2/authorize
    # with the link's login_hint; the test is that application.
    hint = urllib.parse.parse_qs(urllib.parse.urlparse(invitation["link"]).query)["login_hint"][0]
    q = urllib.parse.urlencode({"response_type": "code", "client_id": invitation["clientId"], "redirect_uri": REDIRECT, "scope": "openid",
                                "login_hint": hint})
    page = s.get(f"{usher.base}/oauth2/authorize?{q}")
    assert page.status_code == 200 and "/signup?flow=" in page.url, page.text[:300]
    form = hidden_inputs(page.text)
    r = s.post(f"{usher.base}/signup", data={**form, "givenName": "Ops", "familyName": "Test", "password": password,
                                             "passwordConfirmation": password}, allow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    return r
