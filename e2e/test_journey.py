"""The invitee's journey with a real OpenID Connect client library (Authlib) as the relying
party on loopback: invitation → link → authorize → sign-up form → code → tokens, the ID token
verified against Usher's JWKS."""
import html
import json
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.common.security import generate_token

from conftest import free_port, hidden_inputs, input_value


class RelyingParty:
    """An ordinary OIDC web application: its login URL starts an authorization-code request
    with PKCE (passing login_hint on), its callback exchanges the code with Authlib."""

    def __init__(self, issuer):
        self.issuer = issuer
        self.port = free_port()
        self.base = f"http://localhost:{self.port}"
        self.client_id = None
        self.client_secret = None
        self.pending = {}
        self.results = []
        self.metadata = requests.get(f"{issuer}/.well-known/openid-configuration").json()
        rp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                q = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/login":
                    status, headers, body = rp.login(q)
                elif url.path == "/callback":
                    status, headers, body = rp.callback(q)
                else:
                    status, headers, body = 404, {}, b"not found"
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def session(self):
        return OAuth2Session(self.client_id, self.client_secret, scope="openid email profile groups offline_access",
                             redirect_uri=f"{self.base}/callback", code_challenge_method="S256",
                             token_endpoint_auth_method="client_secret_basic")

    def login(self, q):
        # OIDC third-party-initiated login: the issuer must be ours.
        if q.get("iss") and q["iss"] != self.issuer:
            return 400, {}, b"unknown issuer"
        verifier = generate_token(64)
        nonce = generate_token(20)
        extra = {"nonce": nonce}
        if "login_hint" in q:
            extra["login_hint"] = q["login_hint"]
        url, state = self.session().create_authorization_url(self.metadata["authorization_endpoint"], code_verifier=verifier, **extra)
        self.pending[state] = (verifier, nonce)
        return 302, {"Location": url}, b""

    def callback(self, q):
        if "error" in q:
            self.results.append({"error": q["error"]})
            return 400, {}, q["error"].encode()
        verifier, nonce = self.pending.pop(q["state"])
        session = self.session()
        token = session.fetch_token(self.metadata["token_endpoint"], code=q["code"], code_verifier=verifier,
                                    redirect_uri=f"{self.base}/callback")
        jwks = JsonWebKey.import_key_set(requests.get(self.metadata["jwks_uri"]).json())
        claims = jwt.decode(token["id_token"], jwks, claims_options={
            "iss": {"essential": True, "value": self.issuer},
            "aud": {"essential": True, "value": self.client_id},
            "nonce": {"essential": True, "value": nonce},
            "exp": {"essential": True},
        })
        claims.validate()
        self.results.append({"claims": dict(claims), "token": token})
        return 200, {"Content-Type": "text/plain"}, b"signed in"


@pytest.fixture(scope="module")
def setup(usher):
    rp = RelyingParty(usher.base)
    customers = usher.api("POST", "/identityStores/default/groups", json={"name": "Customers"}).json()["id"]
    beta = usher.api("POST", "/identityStores/default/groups", json={"name": "Beta"}).json()["id"]
    app = usher.api("POST", "/applications", json={
        "name": "Loopback Shop", "store": "default", "protocol": "oidc", "groups": [{"id": customers}],
        "clients": [{"redirectUris": [f"{rp.base}/callback"], "loginUrl": f"{rp.base}/login"}],
    })
    assert app.status_code == 201, app.text
    client = app.json()["clients"][0]
    rp.client_id, rp.client_secret = client["clientId"], client["clientSecret"]
    yield {"rp": rp, "beta": beta, "customers": customers}
    rp.server.shutdown()


def invite(usher, setup, email, **extra):
    body = {"clientId": setup["rp"].client_id, "email": email, "groups": [{"id": setup["beta"]}],
            "metadata": {"givenName": "Ada", "familyName": "Lovelace"}, **extra}
    r = usher.api("POST", "/identityStores/default/invite", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def open_signup(browser, link):
    page = browser.get(link)
    assert page.status_code == 200, page.text[:500]
    assert "/signup?flow=" in page.url
    return page


def test_invitee_signs_up_and_the_application_gets_a_verified_id_token(usher, setup):
    rp = setup["rp"]
    invitation = invite(usher, setup, "ada@example.com")
    browser = requests.Session()
    page = open_signup(browser, invitation["link"])
    # Pre-filled with the Basic Information; the email is read-only (allowEmailMismatch is off).
    assert input_value(page.text, "givenName")[0] == "Ada"
    assert input_value(page.text, "familyName")[0] == "Lovelace"
    email_value, email_attrs = input_value(page.text, "email")
    assert email_value == "ada@example.com" and "readonly" in email_attrs

    form = hidden_inputs(page.text)
    done = browser.post(f"{usher.base}/signup", data={**form, "email": "mallory@example.com", "givenName": "Ada",
                                                         "familyName": "Lovelace", "password": "analytical engine 1843",
                                                         "passwordConfirmation": "analytical engine 1843"})
    assert done.status_code == 200 and done.text == "signed in", done.text[:500]
    claims = rp.results[-1]["claims"]
    assert claims["email"] == "ada@example.com"  # the read-only email cannot be changed by posting another
    assert claims["email_verified"] is True
    assert claims["given_name"] == "Ada" and claims["family_name"] == "Lovelace" and claims["name"] == "Ada Lovelace"
    assert sorted(claims["groups"]) == ["Beta", "Customers"]  # SPEC rule 8: the union

    # The invitation is DONE with its account.
    got = usher.api("GET", f"/identityStores/default/invite/{invitation['id']}").json()
    assert got["status"] == "DONE" and got["accountId"] == claims["sub"]

    # userinfo with the access token, through Authlib.
    session = rp.session()
    session.token = rp.results[-1]["token"]
    info = session.get(rp.metadata["userinfo_endpoint"]).json()
    assert info["sub"] == claims["sub"] and info["email"] == "ada@example.com"

    # Refresh tokens rotate; a reused one is refused.
    old_refresh = rp.results[-1]["token"]["refresh_token"]
    fresh = session.refresh_token(rp.metadata["token_endpoint"], refresh_token=old_refresh)
    assert fresh["refresh_token"] != old_refresh
    reused = requests.post(rp.metadata["token_endpoint"], auth=(rp.client_id, rp.client_secret),
                           data={"grant_type": "refresh_token", "refresh_token": old_refresh})
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"

    # The link is used now: a clear page, not a form.
    again = requests.get(invitation["link"])
    assert again.status_code == 410 and "already been used" in again.text

    # The customer can come back later and sign in with the password.
    later = requests.Session()
    signin = later.get(f"{rp.base}/login")
    assert "/signin?flow=" in signin.url
    ok = later.post(f"{usher.base}/signin", data={**hidden_inputs(signin.text), "email": "ADA@example.com", "password": "analytical engine 1843"})
    assert ok.text == "signed in"
    assert rp.results[-1]["claims"]["sub"] == claims["sub"]
    wrong = requests.Session()
    signin = wrong.get(f"{rp.base}/login")
    bad = wrong.post(f"{usher.base}/signin", data={**hidden_inputs(signin.text), "email": "ada@example.com", "password": "wrong password!!"})
    assert bad.status_code == 401 and "not right" in bad.text


def test_opening_the_link_never_uses_the_invitation(usher, setup):
    invitation = invite(usher, setup, "scanner@example.com")
    for _ in range(3):  # a mail scanner, a preview, the person
        open_signup(requests.Session(), invitation["link"])
    assert usher.api("GET", f"/identityStores/default/invite/{invitation['id']}").json()["status"] == "PENDING"


def test_form_errors_keep_what_was_typed(usher, setup):
    invitation = invite(usher, setup, "typo@example.com")
    browser = requests.Session()
    page = open_signup(browser, invitation["link"])
    r = browser.post(f"{usher.base}/signup", data={**hidden_inputs(page.text), "givenName": "Grace", "familyName": "Hopper",
                                                      "password": "short", "passwordConfirmation": "short"})
    assert r.status_code == 422
    assert 'id="password-error"' in r.text and "at least 10 characters" in html.unescape(r.text)
    assert input_value(r.text, "givenName")[0] == "Grace"
    assert usher.api("GET", f"/identityStores/default/invite/{invitation['id']}").json()["status"] == "PENDING"
    # Without the CSRF token nothing happens.
    form = hidden_inputs(page.text)
    form.pop("csrf")
    r = browser.post(f"{usher.base}/signup", data={**form, "password": "a fine long password", "passwordConfirmation": "a fine long password"})
    assert r.status_code == 403
    assert usher.api("GET", f"/identityStores/default/invite/{invitation['id']}").json()["status"] == "PENDING"


def test_two_simultaneous_submits_create_exactly_one_account(usher, setup):
    invitation = invite(usher, setup, "twice@example.com")
    browsers = [requests.Session() for _ in range(2)]
    forms = [hidden_inputs(open_signup(b, invitation["link"]).text) for b in browsers]
    data = {"givenName": "Twin", "familyName": "Submit", "password": "same instant submit", "passwordConfirmation": "same instant submit"}
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda i: browsers[i].post(f"{usher.base}/signup", data={**forms[i], **data}), range(2)))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 410], [r.text[:200] for r in results]
    used = next(r for r in results if r.status_code == 410)
    assert "already been used" in used.text
    accounts = usher.api("GET", "/identityStores/default/accounts", params={"email": "twice@example.com"}).json()
    assert len(accounts) == 1


@pytest.mark.parametrize("case", ["revoked", "replaced", "unknown"])
def test_dead_links_say_which_dead_end_it_is(usher, setup, case):
    email = f"dead-{case}@example.com"
    invitation = invite(usher, setup, email)
    link = invitation["link"]
    if case == "revoked":
        assert usher.api("DELETE", f"/identityStores/default/invite/{invitation['id']}").status_code == 204
        expect = (410, "withdrawn")
    elif case == "replaced":
        resent = usher.api("POST", f"/identityStores/default/invite/{invitation['id']}/resend")
        assert resent.status_code == 200
        expect = (410, "replaced")
    else:
        link = link[: link.index("login_hint=") + len("login_hint=")] + "inv_" + "A" * 43
        expect = (404, "not valid")
    r = requests.get(link)
    assert r.status_code == expect[0], r.text[:300]
    assert expect[1] in r.text
    assert "Traceback" not in r.text and "Fatal" not in r.text and email not in r.text


def test_the_demo_application_walks_the_whole_journey(usher):
    r = usher.api("POST", "/identityStores/default/invite", json={"clientId": "usher-demo", "email": "newcomer@example.com",
                                                                 "metadata": {"givenName": "New", "familyName": "Comer"}})
    assert r.status_code == 201, r.text
    # The email is in the local mailbox; the API shows it with its link masked (a read:account
    # token must not be able to accept the invitation), the console shows the live link.
    mails = usher.api("GET", "/mailbox", params={"to": "newcomer@example.com"}).json()
    assert mails and "login_hint=[hidden]" in mails[0]["html"] and "login_hint=inv_" not in mails[0]["html"]
    browser = requests.Session()
    page = browser.get(r.json()["link"])
    assert "/signup?flow=" in page.url
    done = browser.post(f"{usher.base}/signup", data={**hidden_inputs(page.text), "givenName": "New", "familyName": "Comer",
                                                         "password": "my first usher password", "passwordConfirmation": "my first usher password"})
    assert done.status_code == 200 and done.url.endswith("/demo")
    assert 'id="signed-in"' in done.text and "newcomer@example.com" in done.text
