"""The upstream provider that test_external_login.py signs up with (e2e/upstream_op.py) is itself
checked: a relying party built on Authlib runs its code flow with PKCE, and every tamper mode
must break exactly the property it claims to (a wrong signature, audience, issuer, nonce, an
expired token). Otherwise a tamper test against Usher could pass because the fake provider's
token was never broken. Needs no Usher."""
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def test_upstream_provider_breaks_what_each_tamper_mode_claims():
    # The timeout only stops a hung run; it asserts nothing about speed.
    result = subprocess.run([sys.executable, str(HERE / "upstream_op_selfcheck.py")],
                            capture_output=True, text=True, timeout=300)
    print(result.stdout[-4000:])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "OK:" in result.stdout
