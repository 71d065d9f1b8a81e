#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) for SMTPKit's end-to-end tests.

Prints "READY <port>" on stdout once listening, then serves until killed or until
--lifetime seconds have passed (so a crashed test run never leaves it behind for long).

Modes:
  plain     plain SMTP
  starttls  STARTTLS offered and required before MAIL
  tls       implicit TLS from the first byte
  silent    accepts TCP connections but never sends a greeting
  inject    offers STARTTLS, then sends an extra clear-text reply right after its 220
            (the STARTTLS command-injection attack); the client must refuse to go on

Fault injection: RCPT TO addresses starting with "tempfail" get 451, "permfail" get 550.
Every accepted message is written to --maildir as NNN.eml (the message exactly as
received, after SMTP dot-unstuffing) with NNN.json beside it (the envelope).
"""

import argparse
import asyncio
import datetime
import ipaddress
import json
import os
import sys

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError:  # pragma: no cover - reported to the Swift test
    print("ERROR aiosmtpd is not installed (pip install aiosmtpd)", flush=True)
    sys.exit(3)


def generate_certificates(directory):
    """A private CA and a server certificate for localhost/127.0.0.1 signed by it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    os.makedirs(directory, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    validity = (now - datetime.timedelta(days=1), now + datetime.timedelta(days=30))

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SMTPKit Test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )

    def write(name, data):
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)

    pem = serialization.Encoding.PEM
    write("ca.pem", ca_cert.public_bytes(pem))
    write("server.pem", cert.public_bytes(pem))
    write(
        "server.key",
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )


class Handler:
    def __init__(self, maildir, hide_auth, refuse_ehlo, tempfail_first=0, tempfail_code=451, delay=0.0):
        self.maildir = maildir
        self.hide_auth = hide_auth
        self.refuse_ehlo = refuse_ehlo
        self.count = 0
        # The first N recipients are refused with a 4xx: a server that is busy, then recovers.
        self.tempfail_left = tempfail_first
        self.tempfail_code = tempfail_code
        # A slow server, so a test can kill it in the middle of a batch.
        self.delay = delay

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        if self.refuse_ehlo:
            return ["502 5.5.1 EHLO not implemented, try HELO"]
        session.host_name = hostname
        if self.hide_auth:
            responses = [r for r in responses if not r[4:].upper().startswith("AUTH")]
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.lower()
        if local.startswith("tempfail"):
            return "451 4.3.0 temporary failure injected by test server"
        if local.startswith("permfail"):
            return "550 5.1.1 mailbox unavailable"
        if self.tempfail_left > 0:
            self.tempfail_left -= 1
            return f"{self.tempfail_code} 4.7.0 try again later (injected by test server)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.count += 1
        base = os.path.join(self.maildir, f"{self.count:03d}-{os.getpid()}")
        with open(base + ".json", "w") as f:
            json.dump(
                {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                    "mail_options": envelope.mail_options,
                    "smtp_utf8": envelope.smtp_utf8,
                    "tls": session.ssl is not None,
                    "authenticated": bool(session.authenticated),
                },
                f,
            )
        # Written last and renamed into place, so a test that sees the .eml sees it whole.
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".tmp", base + ".eml")
        return f"250 2.0.0 OK queued as {self.count:03d}"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == self.user
            and auth_data.password == self.password
        )
        # handled=False makes aiosmtpd send the standard 535 reply itself on failure.
        return AuthResult(success=ok, handled=False)


async def silent_client(reader, writer):
    # Never greet; just hold the connection until the client gives up.
    try:
        await reader.read()
    finally:
        writer.close()


async def injecting_client(reader, writer):
    # Just enough SMTP to reach STARTTLS, then answer it together with a forged reply.
    writer.write(b"220 inject.test ESMTP\r\n")
    while True:
        line = await reader.readline()
        if not line:
            break
        command = line.strip().upper()
        if command.startswith(b"EHLO"):
            writer.write(b"250-inject.test\r\n250 STARTTLS\r\n")
        elif command == b"STARTTLS":
            writer.write(b"220 go ahead\r\n250 forged reply sent in clear text\r\n")
        else:
            writer.write(b"500 5.5.1 not in this test\r\n")
        await writer.drain()
    writer.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--mode", choices=["plain", "starttls", "tls", "silent", "inject"], default="plain")
    parser.add_argument("--maildir", help="directory for received messages (required unless silent)")
    parser.add_argument("--certdir", help="directory with ca.pem/server.pem/server.key; generated if missing")
    parser.add_argument("--auth-user", help="require AUTH with this user name")
    parser.add_argument("--auth-password", help="password for --auth-user")
    parser.add_argument("--auth-mechanisms", default="PLAIN,LOGIN", help="comma-separated subset of PLAIN,LOGIN")
    parser.add_argument("--hide-auth", action="store_true", help="do not advertise AUTH in EHLO")
    parser.add_argument("--refuse-ehlo", action="store_true", help="answer EHLO with 502 (forces HELO)")
    parser.add_argument("--size-limit", type=int, default=10 * 1024 * 1024, help="advertised SIZE (0: none)")
    parser.add_argument("--smtputf8", action="store_true", help="advertise SMTPUTF8")
    parser.add_argument("--tempfail-first", type=int, default=0, help="refuse the first N recipients with --tempfail-code")
    parser.add_argument("--tempfail-code", type=int, default=451, help="4xx code for --tempfail-first (e.g. 421 or 451)")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before accepting each message")
    parser.add_argument("--lifetime", type=float, default=300, help="exit after this many seconds")
    parser.add_argument(
        "--until-stdin-closes",
        action="store_true",
        help="also exit as soon as stdin reaches end of file (the parent that holds its write end is gone)",
    )
    args = parser.parse_args()

    loop = asyncio.get_running_loop()

    if args.mode == "silent":
        server = await asyncio.start_server(silent_client, args.host, args.port)
    elif args.mode == "inject":
        server = await asyncio.start_server(injecting_client, args.host, args.port)
    else:
        if not args.maildir:
            parser.error("--maildir is required")
        os.makedirs(args.maildir, exist_ok=True)

        tls_context = None
        if args.mode in ("starttls", "tls"):
            import ssl

            if not args.certdir:
                parser.error("--certdir is required for TLS modes")
            if not os.path.exists(os.path.join(args.certdir, "server.pem")):
                generate_certificates(args.certdir)
            tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls_context.load_cert_chain(
                os.path.join(args.certdir, "server.pem"), os.path.join(args.certdir, "server.key")
            )

        handler = Handler(args.maildir, args.hide_auth, args.refuse_ehlo, args.tempfail_first, args.tempfail_code, args.delay)
        smtp_kwargs = dict(
            hostname="smtpkit-test.local",
            data_size_limit=args.size_limit or None,
            enable_SMTPUTF8=args.smtputf8,
            # aiosmtpd only knows about STARTTLS-negotiated TLS; with implicit TLS (or when
            # the test deliberately uses plain text) it must not insist on it.
            auth_require_tls=args.mode == "starttls",
            require_starttls=args.mode == "starttls",
        )
        if args.auth_user is not None:
            mechanisms = {m.strip().upper() for m in args.auth_mechanisms.split(",") if m.strip()}
            smtp_kwargs.update(
                authenticator=Authenticator(args.auth_user, args.auth_password or ""),
                auth_required=True,
                auth_exclude_mechanism=[m for m in ("PLAIN", "LOGIN") if m not in mechanisms],
            )

        def factory():
            return SMTP(
                handler,
                tls_context=tls_context if args.mode == "starttls" else None,
                **smtp_kwargs,
            )

        server = await loop.create_server(
            factory, args.host, args.port, ssl=tls_context if args.mode == "tls" else None
        )

    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    async with server:
        waits = [asyncio.ensure_future(server.serve_forever())]
        if args.until_stdin_closes:
            # A test process that dies without stopping us closes the pipe; that is our signal,
            # so --lifetime can be long enough for a slow, loaded test run.
            closed = loop.create_future()

            def on_stdin():
                if not os.read(sys.stdin.fileno(), 4096) and not closed.done():
                    closed.set_result(None)

            loop.add_reader(sys.stdin.fileno(), on_stdin)
            waits.append(closed)
        await asyncio.wait(waits, timeout=args.lifetime, return_when=asyncio.FIRST_COMPLETED)
        for wait in waits:
            wait.cancel()


if __name__ == "__main__":
    import logging
    import signal
    import warnings

    # A parent may start us with signals blocked (swift-corelibs-foundation's Process passes
    # on its thread's signal mask); unblock them so SIGTERM from the test actually stops us.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)

    # aiosmtpd warns about auth without TLS; that is intended in the plain-text tests.
    warnings.simplefilter("ignore")
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
