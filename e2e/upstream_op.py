#!/usr/bin/env python3
"""A small but real upstream OpenID Connect provider for Usher's end-to-end tests.

Usher acts as a relying party to this provider ("sign up with an external identity").
The protocol work is done by Authlib (a third-party library from PyPI, not Usher):
AuthorizationServer + AuthorizationCodeGrant + OpenIDCode + CodeChallenge, with ID
tokens signed RS256 through Authlib (which, in the installed 1.9, signs via its sister library
joserfc). This file only supplies in-memory storage, auto-approval and test controls.

    python3 e2e/upstream_op.py --port 0 --client-id ID --client-secret SECRET \
        --redirect-uri URI [--redirect-uri URI2] \
        --user SUB:EMAIL:GIVEN:FAMILY[:verified|unverified] [--user ...] [--verbose]

Prints `READY http://127.0.0.1:<port>` once listening; the issuer is that URL.
Test controls: POST /control {"user": SUB} / {"tamper": MODE|null}; GET /control.
"""
import argparse
import base64
import logging
import os
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field

# Authlib refuses plain-http OAuth requests unless this is set; the provider only
# ever listens on 127.0.0.1 for tests.
os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError, InvalidScopeError, TokenMixin, grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo, UserInfoEndpoint
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

SCOPES = ["openid", "email", "profile"]
TAMPER_MODES = {"signature", "audience", "issuer", "nonce", "expired"}
CODE_LIFETIME = 600


@dataclass
class User:
    sub: str
    email: str
    given: str
    family: str
    verified: bool = True

    def claims(self):
        # Every claim regardless of requested scope: tests want deterministic tokens.
        return UserInfo(sub=self.sub, email=self.email, email_verified=self.verified,
                        given_name=self.given, family_name=self.family,
                        name=f"{self.given} {self.family}")


class Client(ClientMixin):
    client_metadata = {}  # UserInfoEndpoint reads it (no signed userinfo here)

    def __init__(self, client_id, secret, redirect_uris):
        self.client_id, self.secret, self.redirect_uris = client_id, secret, list(redirect_uris)

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None  # OIDC requires redirect_uri on every request; never fall back

    def get_allowed_scope(self, scope):
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris  # exact string match, no normalising

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret.encode(), self.secret.encode())

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint == "token" and method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"  # no refresh tokens


@dataclass
class AuthCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: User
    nonce: str
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self): return self.redirect_uri
    def get_scope(self): return self.scope
    def get_nonce(self): return self.nonce
    def get_auth_time(self): return self.auth_time


@dataclass
class Token(TokenMixin):
    access_token: str
    client: Client
    user: User
    scope: str
    expires_at: int

    def check_client(self, client): return client.client_id == self.client.client_id
    def get_scope(self): return self.scope
    def get_expires_in(self): return self.expires_at - int(time.time())
    def is_expired(self): return time.time() >= self.expires_at
    def is_revoked(self): return False
    def get_user(self): return self.user
    def get_client(self): return self.client


class Provider:
    """All state, in memory. One lock: werkzeug serves requests on threads."""

    def __init__(self, client, users):
        self.client, self.users = client, users
        self.issuer = None  # known once the socket is bound
        self.key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)
        self.codes, self.tokens = {}, {}
        self.current_user, self.tamper, self.tokens_issued = None, None, 0
        self.traceparents = []  # the W3C trace context each request arrived with (tracing tests)
        self.lock = threading.Lock()

    def find_user(self, hint):
        return next((u for u in self.users if hint in (u.sub, u.email)), None)

    def user_for_authorize(self, login_hint):
        # login_hint (SUB or EMAIL) > user chosen via /control > first --user.
        return (login_hint and self.find_user(login_hint)) or self.current_user or self.users[0]


def build_app(op: Provider):
    app = Flask(__name__)

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def validate_authorization_request(self):
            # Authlib treats state as optional and openid scope as an extension; this
            # provider is strict so that a sloppy relying party fails loudly.
            redirect_uri = super().validate_authorization_request()
            if not self.request.payload.state:
                raise InvalidRequestError("Missing 'state' in request.", redirect_uri=redirect_uri)
            if "openid" not in (self.request.payload.scope or "").split():
                raise InvalidScopeError("The 'openid' scope is required.", redirect_uri=redirect_uri)
            return redirect_uri

        def save_authorization_code(self, code, req):
            data = req.payload.data
            with op.lock:
                op.codes[code] = AuthCode(code, req.client.client_id, req.payload.redirect_uri, req.scope,
                                          req.user, data.get("nonce"), data.get("code_challenge"),
                                          data.get("code_challenge_method"))

        def query_authorization_code(self, code, client):
            ac = op.codes.get(code)
            if ac and ac.client_id == client.client_id and time.time() < ac.auth_time + CODE_LIFETIME:
                return ac
            return None

        def delete_authorization_code(self, authorization_code):
            with op.lock:
                op.codes.pop(authorization_code.code, None)  # codes are single-use

        def authenticate_user(self, authorization_code):
            return authorization_code.user

    class S256Only(CodeChallenge):
        # Authlib defaults a missing code_challenge_method to "plain"; only S256 is
        # advertised, so a challenge must come with method=S256. Because the grant
        # is registered with required=False, PKCE stays optional, but once a
        # challenge was sent, Authlib insists on a matching code_verifier.
        SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

        def validate_code_challenge(self, grant, redirect_uri):
            data = grant.request.payload.data
            if data.get("code_challenge") and data.get("code_challenge_method") != "S256":
                raise InvalidRequestError("code_challenge_method must be 'S256'.")
            super().validate_code_challenge(grant, redirect_uri)

    class OIDC(OpenIDCode):
        def exists_nonce(self, nonce, req):
            # Replay protection as Authlib expects: a nonce may back only one live code.
            return any(c.nonce == nonce and c.client_id == req.payload.client_id for c in op.codes.values())

        def resolve_client_private_key(self, client): return op.key
        def get_client_algorithm(self, client): return "RS256"
        def get_encode_header(self, client): return {"alg": "RS256", "kid": op.key.kid, "typ": "JWT"}
        def generate_user_info(self, user, scope): return user.claims()

        # The tamper modes below break exactly one property of the ID token each, so
        # tests can check that Usher rejects it for the right reason.
        def get_client_claims(self, client):
            now = int(time.time())
            claims = {"iss": op.issuer, "aud": client.client_id, "iat": now, "exp": now + 600}
            if op.tamper == "issuer":
                claims["iss"] = "http://evil.example"
            if op.tamper == "audience":
                claims["aud"] = "someone-else"
            if op.tamper == "expired":
                claims.update(iat=now - 7200, exp=now - 3600)
            return claims

        def get_authorization_code_claims(self, authorization_code):
            claims = super().get_authorization_code_claims(authorization_code)
            if op.tamper == "nonce":
                claims["nonce"] = "wrong-" + secrets.token_urlsafe(8)
            return claims

        def encode_id_token(self, token, req):
            id_token = super().encode_id_token(token, req)
            with op.lock:
                op.tokens_issued += 1
            if op.tamper == "signature":
                head, body, sig = id_token.split(".")
                raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
                raw[0] ^= 0xFF
                raw[-1] ^= 0xFF
                id_token = ".".join([head, body, base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()])
            return id_token

    class UserInfoAuthlib(UserInfoEndpoint):
        def generate_user_info(self, user, scope): return user.claims()
        def get_issuer(self): return op.issuer
        def resolve_private_key(self): return op.key

    class Bearer(BearerTokenValidator):
        def authenticate_token(self, token_string): return op.tokens.get(token_string)

    def save_token(token, req):
        with op.lock:
            op.tokens[token["access_token"]] = Token(token["access_token"], req.client, req.user,
                                                      token.get("scope", ""), int(time.time()) + token["expires_in"])

    server = AuthorizationServer(app, query_client=lambda cid: op.client if cid == op.client.client_id else None,
                                 save_token=save_token)
    # scopes_supported stays unset on purpose: Authlib would then reject unknown scopes
    # with invalid_scope, whereas OIDC Core 3.1.2.1 says to ignore them (the client's
    # get_allowed_scope drops them instead).
    server.register_grant(CodeGrant, [S256Only(required=False), OIDC(require_nonce=True)])
    protector = ResourceProtector()
    protector.register_token_validator(Bearer())
    server.register_endpoint(UserInfoAuthlib(resource_protector=protector))

    @app.get("/.well-known/openid-configuration")
    def discovery():
        i = op.issuer
        return jsonify(issuer=i, authorization_endpoint=f"{i}/authorize", token_endpoint=f"{i}/token",
                       jwks_uri=f"{i}/jwks", userinfo_endpoint=f"{i}/userinfo",
                       response_types_supported=["code"], subject_types_supported=["public"],
                       grant_types_supported=["authorization_code"],
                       id_token_signing_alg_values_supported=["RS256"],
                       code_challenge_methods_supported=["S256"],
                       token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
                       scopes_supported=SCOPES,
                       claims_supported=["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "email",
                                         "email_verified", "given_name", "family_name", "name"])

    @app.get("/jwks")
    def jwks():
        return jsonify(keys=[op.key.as_dict(private=False)])

    @app.get("/authorize")
    def authorize():
        # No login page: the user is "already signed in" and consents automatically.
        user = op.user_for_authorize(request.args.get("login_hint"))
        try:
            grant = server.get_consent_grant(end_user=user)
        except OAuth2Error as error:
            return server.handle_error_response(request, error)
        return server.create_authorization_response(grant=grant, grant_user=user)

    @app.post("/token")
    def token():
        return server.create_token_response()

    @app.before_request
    def remember_trace_context():
        with op.lock:
            op.traceparents.append(request.headers.get("traceparent"))

    @app.route("/userinfo", methods=["GET", "POST"])
    def userinfo():
        return server.create_endpoint_response("userinfo")

    @app.route("/control", methods=["GET", "POST"])
    def control():
        if request.method == "POST":
            body = request.get_json(force=True, silent=True)
            if not isinstance(body, dict):
                return jsonify(error="expected a JSON object"), 400
            with op.lock:
                if "user" in body:
                    user = op.find_user(body["user"]) if body["user"] is not None else None
                    if body["user"] is not None and user is None:
                        return jsonify(error=f"unknown user {body['user']!r}"), 400
                    op.current_user = user
                if "tamper" in body:
                    if body["tamper"] is not None and body["tamper"] not in TAMPER_MODES:
                        return jsonify(error=f"unknown tamper mode {body['tamper']!r}"), 400
                    op.tamper = body["tamper"]
        return jsonify(user=(op.current_user or op.users[0]).sub, tamper=op.tamper,
                       tokens_issued=op.tokens_issued, users=[u.sub for u in op.users], traceparents=op.traceparents)

    return app


def parse_user(spec):
    parts = spec.split(":")
    if len(parts) not in (4, 5) or (len(parts) == 5 and parts[4] not in ("verified", "unverified")):
        raise argparse.ArgumentTypeError("expected SUB:EMAIL:GIVEN:FAMILY[:verified|unverified]")
    return User(*parts[:4], verified=(len(parts) == 4 or parts[4] == "verified"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--client-id", required=True)
    ap.add_argument("--client-secret", required=True)
    ap.add_argument("--redirect-uri", action="append", required=True)
    ap.add_argument("--user", action="append", type=parse_user, required=True, help="first one is the default")
    ap.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = ap.parse_args()
    # Quiet by default: a test harness that pipes stderr and never reads it would
    # otherwise block this server once the pipe buffer fills. Errors still show.
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.ERROR)

    op = Provider(Client(args.client_id, args.client_secret, args.redirect_uri), args.user)
    httpd = make_server("127.0.0.1", args.port, build_app(op), threaded=True)
    op.issuer = f"http://127.0.0.1:{httpd.server_port}"
    print(f"READY {op.issuer}", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
