#!/usr/bin/env python3
"""Parses one .eml file with Python's own email package and prints JSON.

The Swift tests use this as an independent referee: if Python's parser decodes the
subject, names and bodies back to the original strings, real mail clients will too.
"""

import email
import email.policy
import json
import sys

with open(sys.argv[1], "rb") as f:
    raw = f.read()

msg = email.message_from_bytes(raw, policy=email.policy.default)
parts = []
for part in msg.walk():
    if part.is_multipart():
        continue
    parts.append(
        {
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transfer_encoding": part.get("Content-Transfer-Encoding"),
            "text": part.get_content(),
        }
    )

from_header = msg["From"]
to_header = msg["To"]
print(
    json.dumps(
        {
            "subject": str(msg["Subject"]),
            "from_name": from_header.addresses[0].display_name if from_header else None,
            "from_address": from_header.addresses[0].addr_spec if from_header else None,
            "to_name": to_header.addresses[0].display_name if to_header else None,
            "to_address": to_header.addresses[0].addr_spec if to_header else None,
            "message_id": msg["Message-ID"],
            "date": msg["Date"],
            "mime_version": msg["MIME-Version"],
            "content_type": msg.get_content_type(),
            "parts": parts,
            "defects": [type(d).__name__ for d in msg.defects]
            + [type(d).__name__ for p in msg.walk() for d in p.defects],
        }
    )
)
