#!/usr/bin/env python3
"""A SIP REGISTER client with SHA-256 digest (RFC 7616, RFC 8760) over UDP, for the e2e scripts:
sipp 3.6 answers MD5 challenges only.

    digest-register.py GATEWAY_HOST GATEWAY_PORT USER PASSWORD [--expires N ...] [--replay]

Registers USER with each --expires in turn (default: 60) on one Call-ID: the first REGISTER is
sent without credentials, the 401's SHA-256 challenge is answered (qop=auth), and each later
REGISTER reuses the nonce with the next nonce count (nc); with --replay every REGISTER repeats
nc=00000001 (a replayed request, RFC 7616 §3.4.5). Prints one JSON object per line:
{"step": "challenge", "algorithms": [...], "status": "SIP/2.0 401 Unauthorized", "headers": [...]}
then {"step": "register", "expires": N, "status": "...", "headers": [...], "contact": "..."} for each.
Exits 2 when the gateway does not answer within 5 s."""
import hashlib
import json
import os
import random
import re
import socket
import sys


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def parse_response(data):
    text = data.decode("utf-8", "replace")
    head = text.split("\r\n\r\n", 1)[0]
    lines = head.split("\r\n")
    return lines[0], lines[1:]


def header_values(headers, name):
    prefix = name.lower() + ":"
    return [h.split(":", 1)[1].strip() for h in headers if h.lower().startswith(prefix)]


def challenge_params(value):
    scheme, _, rest = value.partition(" ")
    params = dict((k.lower(), v.strip('"')) for k, v in re.findall(r'([A-Za-z0-9_-]+)=("[^"]*"|[^,\s]+)', rest))
    return scheme, params


def main():
    args = sys.argv[1:]
    host, port, user, password = args[0], int(args[1]), args[2], args[3]
    replay = "--replay" in args
    options = [a for a in args[4:] if a != "--replay"]
    expires = [int(v) for k, v in zip(options[0::2], options[1::2]) if k == "--expires"] or [60]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    local_port = sock.getsockname()[1]
    call_id = "sha256-%x@127.0.0.1" % random.getrandbits(48)
    tag = "%x" % random.getrandbits(32)
    uri = "sip:%s:%d" % (host, port)
    cseq = 0

    def send(expiry, authorization=None):
        nonlocal cseq
        cseq += 1
        branch = "z9hG4bK-%x" % random.getrandbits(48)
        lines = [
            "REGISTER %s SIP/2.0" % uri,
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport" % (local_port, branch),
            "Max-Forwards: 70",
            "From: <sip:%s@%s>;tag=%s" % (user, host, tag),
            "To: <sip:%s@%s>" % (user, host),
            "Call-ID: %s" % call_id,
            "CSeq: %d REGISTER" % cseq,
            "Contact: <sip:%s@127.0.0.1:%d>" % (user, local_port),
            "Expires: %d" % expiry,
            "User-Agent: gatehouse-e2e-sha256",
        ]
        if authorization:
            lines.append("Authorization: " + authorization)
        lines += ["Content-Length: 0", "", ""]
        sock.sendto("\r\n".join(lines).encode(), (host, port))
        while True:
            try:
                data, _ = sock.recvfrom(65535)
            except socket.timeout:
                print(json.dumps({"step": "timeout", "cseq": cseq}))
                sys.exit(2)
            status, headers = parse_response(data)
            if not status.startswith("SIP/2.0 1"):
                return status, headers

    status, headers = send(expires[0])
    challenges = [challenge_params(v) for v in header_values(headers, "WWW-Authenticate")]
    print(json.dumps({"step": "challenge", "status": status, "headers": headers,
                      "algorithms": [p.get("algorithm", "MD5") for _, p in challenges]}))
    chosen = next((p for s, p in challenges if s.lower() == "digest" and p.get("algorithm", "").upper() == "SHA-256"), None)
    if chosen is None:
        print(json.dumps({"step": "no-sha256-challenge"}))
        sys.exit(1)
    realm, nonce = chosen["realm"], chosen["nonce"]
    cnonce = os.urandom(8).hex()
    ha1 = sha256("%s:%s:%s" % (user, realm, password))
    ha2 = sha256("REGISTER:%s" % uri)
    for count, expiry in enumerate(expires, start=1):
        nc = "%08x" % (1 if replay else count)
        response = sha256("%s:%s:%s:%s:auth:%s" % (ha1, nonce, nc, cnonce, ha2))
        authorization = ('Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", '
                         'algorithm=SHA-256, cnonce="%s", qop=auth, nc=%s' % (user, realm, nonce, uri, response, cnonce, nc))
        if "opaque" in chosen:
            authorization += ', opaque="%s"' % chosen["opaque"]
        status, headers = send(expiry, authorization)
        print(json.dumps({"step": "register", "expires": expiry, "status": status, "headers": headers,
                          "contact": ",".join(header_values(headers, "Contact"))}))


if __name__ == "__main__":
    main()
