#!/usr/bin/env python3
"""Self-check for e2e/upstream_op.py (run by e2e/test_upstream_op.py, or by hand): starts the provider, plays
the relying party with requests + Authlib's OAuth2Session (code flow + PKCE S256),
verifies ID tokens against /jwks with authlib.jose, and checks that every tamper mode
breaks exactly the property it claims to. Exit code 0 on success.

    python3 e2e/upstream_op_selfcheck.py
"""
import os
import pathlib
import secrets
import subprocess
import sys
import warnings
from urllib.parse import parse_qs, urlparse

os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # the provider is plain http on 127.0.0.1

import requests
import authlib.deprecate  # noqa: F401  (installs an "always" filter; ours must go in after it)

# Authlib 1.9 deprecates authlib.jose in favour of joserfc but it still works; the
# verifier deliberately uses it (a different code path from the provider's signer).
warnings.filterwarnings("ignore", message="authlib.jose module is deprecated")
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.jose.errors import BadSignatureError, ExpiredTokenError, InvalidClaimError

HERE = pathlib.Path(__file__).resolve().parent
CLIENT_ID, SECRET = "usher-rp", "rp-secret-0123456789"
REDIRECT, REDIRECT2 = "http://127.0.0.1:9/callback", "http://localhost:9/other"
SCOPE = "openid email profile"
checks = 0


def check(cond, what):
    global checks
    if not cond:
        raise AssertionError(what)
    checks += 1


class Flow:
    def __init__(self, base, auth="client_secret_basic"):
        self.base = base
        self.conf = requests.get(f"{base}/.well-known/openid-configuration").json()
        self.keys = JsonWebKey.import_key_set(requests.get(self.conf["jwks_uri"]).json())
        self.auth = auth

    def session(self):
        return OAuth2Session(CLIENT_ID, SECRET, scope=SCOPE, redirect_uri=REDIRECT,
                             code_challenge_method="S256", token_endpoint_auth_method=self.auth)

    def authorize(self, sess, **extra):
        """Returns (location query dict, nonce, code_verifier)."""
        nonce, verifier = secrets.token_urlsafe(16), secrets.token_urlsafe(48)
        url, state = sess.create_authorization_url(self.conf["authorization_endpoint"], nonce=nonce,
                                                   code_verifier=verifier, **extra)
        r = requests.get(url, allow_redirects=False)  # the redirect URI does not exist; read Location
        check(r.status_code == 302, f"authorize should redirect, got {r.status_code} {r.text}")
        q = {k: v[0] for k, v in parse_qs(urlparse(r.headers["Location"]).query).items()}
        check(q.get("state") == state, "state must round-trip")
        return r.headers["Location"], q, nonce, verifier

    def run(self, **extra):
        sess = self.session()
        location, q, nonce, verifier = self.authorize(sess, **extra)
        check("code" in q, f"expected a code, got {q}")
        token = sess.fetch_token(self.conf["token_endpoint"], authorization_response=location,
                                 code_verifier=verifier)
        return sess, token, nonce

    def verify(self, id_token, nonce):
        claims = jwt.decode(id_token, self.keys, claims_options={
            "iss": {"essential": True, "value": self.conf["issuer"]},
            "aud": {"essential": True, "value": CLIENT_ID},
            "nonce": {"essential": True, "value": nonce}})
        claims.validate()
        return claims


def raw_authorize(base, **params):
    p = dict(response_type="code", client_id=CLIENT_ID, redirect_uri=REDIRECT, scope=SCOPE,
             state="st", nonce=secrets.token_urlsafe(8))
    p.update(params)
    p = {k: v for k, v in p.items() if v is not None}
    return requests.get(f"{base}/authorize", params=p, allow_redirects=False)


def error_of(r):
    return parse_qs(urlparse(r.headers.get("Location", "")).query).get("error", [None])[0]


def main(base):
    f = Flow(base)
    conf = f.conf
    check(conf["issuer"] == base, "issuer is the base URL")
    for k, v in {"response_types_supported": ["code"], "id_token_signing_alg_values_supported": ["RS256"],
                 "code_challenge_methods_supported": ["S256"]}.items():
        check(conf[k] == v, f"discovery {k}")
    check(set(conf["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post"},
          "auth methods")
    check(all(k.get("kid") for k in requests.get(conf["jwks_uri"]).json()["keys"]), "jwks has kid")
    check(all("d" not in k for k in requests.get(conf["jwks_uri"]).json()["keys"]), "jwks is public only")

    # 1. Happy path: code + PKCE S256, client_secret_basic, default user.
    sess, token, nonce = f.run()
    c = f.verify(token["id_token"], nonce)
    check(c["sub"] == "alice" and c["email"] == "alice@example.com" and c["email_verified"] is True,
          f"alice claims {c}")
    check(c["given_name"] == "Alice" and c["family_name"] == "Liddell" and c["name"] == "Alice Liddell", "names")
    check(c["aud"] == CLIENT_ID and c["exp"] > c["iat"], "aud/exp")
    ui = requests.get(conf["userinfo_endpoint"], headers={"Authorization": f"Bearer {token['access_token']}"})
    check(ui.status_code == 200 and ui.json()["sub"] == "alice", f"userinfo {ui.status_code} {ui.text}")
    check(requests.get(conf["userinfo_endpoint"], headers={"Authorization": "Bearer nope"}).status_code == 401,
          "userinfo rejects unknown token")

    # 2. client_secret_post, and user chosen by login_hint (EMAIL), unverified email.
    fp = Flow(base, auth="client_secret_post")
    _, token, nonce = fp.run(login_hint="bob@example.com")
    c = fp.verify(token["id_token"], nonce)
    check(c["sub"] == "bob" and c["email_verified"] is False, f"bob via login_hint {c}")

    # 3. /control picks the user; login_hint (SUB) still wins.
    check(requests.post(f"{base}/control", json={"user": "carol"}).status_code == 200, "control user")
    _, token, nonce = f.run()
    check(f.verify(token["id_token"], nonce)["sub"] == "carol", "current user from /control")
    _, token, nonce = f.run(login_hint="alice")
    check(f.verify(token["id_token"], nonce)["sub"] == "alice", "login_hint beats /control")
    check(requests.post(f"{base}/control", json={"user": "nobody"}).status_code == 400, "unknown user rejected")
    requests.post(f"{base}/control", json={"user": "alice"})

    # 4. Authorization request validation.
    r = raw_authorize(base, redirect_uri=REDIRECT + "/")
    check(r.status_code == 400 and "Location" not in r.headers, "redirect_uri must match exactly (no redirect)")
    r = raw_authorize(base, redirect_uri=None)
    check(r.status_code == 400 and "Location" not in r.headers, "redirect_uri is required")
    check(error_of(raw_authorize(base, redirect_uri=REDIRECT2)) is None and
          "code=" in raw_authorize(base, redirect_uri=REDIRECT2).headers["Location"], "second redirect URI works")
    check(error_of(raw_authorize(base, state=None)) == "invalid_request", "state required")
    check(error_of(raw_authorize(base, nonce=None)) == "invalid_request", "nonce required")
    check(error_of(raw_authorize(base, scope="email")) == "invalid_scope", "openid scope required")
    r = raw_authorize(base, scope="openid email offline_access")
    check(error_of(r) is None and "code=" in r.headers["Location"], "unknown scopes are ignored")
    check(raw_authorize(base, client_id="stranger").status_code == 400, "unknown client")
    check(error_of(raw_authorize(base, code_challenge="x" * 43, code_challenge_method="plain")) == "invalid_request",
          "plain PKCE refused")
    check(error_of(raw_authorize(base, code_challenge="x" * 43)) == "invalid_request", "PKCE needs method S256")

    # 5. Token request validation.
    def exchange(sess, location, **kw):
        try:
            sess.fetch_token(conf["token_endpoint"], authorization_response=location, **kw)
        except Exception as e:  # Authlib raises OAuthError with .error
            return getattr(e, "error", repr(e))
        return None
    sess = f.session()
    loc, _, _, verifier = f.authorize(sess)
    check(exchange(sess, loc, code_verifier="W" * 43) == "invalid_grant", "wrong code_verifier")
    check(exchange(sess, loc) == "invalid_request", "missing code_verifier when a challenge was sent")
    check(exchange(sess, loc, code_verifier=verifier) is None, "right verifier")
    check(exchange(sess, loc, code_verifier=verifier) == "invalid_grant", "code is single-use")
    loc, _, _, verifier = f.authorize(sess)
    bad = OAuth2Session(CLIENT_ID, "wrong-secret", redirect_uri=REDIRECT)
    check(exchange(bad, loc, code_verifier=verifier) == "invalid_client", "wrong client secret")
    other = OAuth2Session(CLIENT_ID, SECRET, redirect_uri=REDIRECT2)
    check(exchange(other, loc, code_verifier=verifier) == "invalid_grant", "redirect_uri must match the code's")

    # 6. Tamper modes: each breaks exactly one thing; reset restores good tokens.
    expected = {"signature": BadSignatureError, "audience": (InvalidClaimError, "aud"),
                "issuer": (InvalidClaimError, "iss"), "nonce": (InvalidClaimError, "nonce"),
                "expired": ExpiredTokenError}
    for mode, want in expected.items():
        check(requests.post(f"{base}/control", json={"tamper": mode}).json()["tamper"] == mode, f"set {mode}")
        for _ in range(2):  # sticky: "the next ID tokens", until reset
            _, token, nonce = f.run()
            try:
                f.verify(token["id_token"], nonce)
                raise AssertionError(f"tamper={mode}: token verified")
            except AssertionError:
                raise
            except Exception as err:
                e = err
                cls, claim = want if isinstance(want, tuple) else (want, None)
                check(isinstance(e, cls), f"tamper={mode}: expected {cls.__name__}, got {e!r}")
                check(claim is None or getattr(e, "claim_name", None) == claim, f"tamper={mode}: claim {e!r}")
        print(f"  tamper={mode:9} -> {type(e).__name__}: {e}")
    check(requests.post(f"{base}/control", json={"tamper": "bogus"}).status_code == 400, "unknown tamper")
    requests.post(f"{base}/control", json={"tamper": None})
    _, token, nonce = f.run()
    f.verify(token["id_token"], nonce)
    state = requests.get(f"{base}/control").json()
    check(state["tamper"] is None and state["user"] == "alice", f"control state {state}")
    check(state["tokens_issued"] == 6 + 2 * len(expected), f"tokens_issued {state}")
    print(f"control: {state}")


if __name__ == "__main__":
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "upstream_op.py"), "--port", "0", "--client-id", CLIENT_ID,
         "--client-secret", SECRET, "--redirect-uri", REDIRECT, "--redirect-uri", REDIRECT2,
         "--user", "alice:alice@example.com:Alice:Liddell",
         "--user", "bob:bob@example.com:Bob:Builder:unverified",
         "--user", "carol:carol@example.com:Carol:Danvers:verified"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline().strip()
        if not line.startswith("READY "):
            sys.exit(f"provider did not start: {line!r}")
        main(line.split()[1])
        print(f"OK: {checks} checks passed against {line.split()[1]}")
    except AssertionError as e:
        print(f"FAIL after {checks} checks: {e}")
        sys.exit(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
