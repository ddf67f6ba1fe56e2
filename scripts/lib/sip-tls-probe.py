#!/usr/bin/env python3
"""A small SIP client for scripts/interop-tls: REGISTER or INVITE with MD5 digest over UDP or TLS,
RFC 5626 CRLF keep-alive pings over TLS, and the server certificate's serial number.

  sip-tls-probe.py register|invite HOST PORT udp|tls USER PASSWORD [--uri URI] [--ca FILE] [--from IP]
      prints the final status line ("403 TLS Required"), exit 0 when a final response arrived;
      an INVITE (no SDP: it is only identified, never connected) is ACKed
  sip-tls-probe.py ping HOST PORT --ca FILE
      one CRLFCRLF ping on a new TLS connection; prints "pong" when CRLF came back
  sip-tls-probe.py hold HOST PORT --ca FILE --go FILE
      opens a TLS connection, prints "serial X", waits (up to 30 s) until FILE exists, then pings
      on the same connection and prints "pong serial X" (the connection's certificate)
Every wait is bounded (sockets time out after 5 s)."""
import hashlib, os, random, socket, ssl, subprocess, sys, time

def tls_socket(host, port, ca):
    context = ssl.create_default_context(cafile=ca)
    context.check_hostname = False
    raw = socket.create_connection((host, port), timeout=5)
    return context.wrap_socket(raw)

def serial(sock):
    der = sock.getpeercert(binary_form=True)
    out = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-serial"], input=der,
                         capture_output=True, timeout=5).stdout.decode().strip()
    return out.split("=", 1)[-1]

def read_message(sock, buffer=b""):
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(4096)
        if not chunk:
            raise EOFError("connection closed")
        buffer += chunk
    head, rest = buffer.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() in (b"content-length", b"l"):
            length = int(value.strip())
    while len(rest) < length:
        rest += sock.recv(4096)
    return head.decode(errors="replace"), rest[length:]

def request(method, host, port, transport, user, password, uri, ca, source="127.0.0.1"):
    uri = uri or f"sip:{host}"
    call_id = f"tls-probe-{random.getrandbits(32)}"
    if transport == "tls":
        sock = tls_socket(host, port, ca)
        local = sock.getsockname()
        send = lambda data: sock.sendall(data)
        buffer = [b""]
        def receive():
            head, buffer[0] = read_message(sock, buffer[0])
            return head
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(5)
        sock.bind((source, 0))
        local = sock.getsockname()
        send = lambda data: sock.sendto(data, (host, port))
        receive = lambda: sock.recvfrom(65535)[0].split(b"\r\n\r\n", 1)[0].decode(errors="replace")
    via_transport = transport.upper()
    from_tag = f"p{random.getrandbits(24)}"
    to = f"<sip:{user}@{host}>" if method == "REGISTER" else f"<{uri}>"
    auth_header = "Authorization" if method == "REGISTER" else "Proxy-Authorization"
    def message(cseq, authorization=None):
        branch = f"z9hG4bK{random.getrandbits(40)}"
        lines = [f"{method} {uri} SIP/2.0",
                 f"Via: SIP/2.0/{via_transport} {local[0]}:{local[1]};rport;branch={branch}",
                 "Max-Forwards: 70", f"From: <sip:{user}@{host}>;tag={from_tag}",
                 f"To: {to}", f"Call-ID: {call_id}", f"CSeq: {cseq} {method}",
                 f"Contact: <sip:{user}@{local[0]}:{local[1]};transport={transport}>"]
        if method == "REGISTER":
            lines.append("Expires: 120")
        if authorization:
            lines.append(f"{auth_header}: " + authorization)
        lines += ["Content-Length: 0", "", ""]
        return branch, "\r\n".join(lines).encode()
    def header(head, name):
        return next((line.split(":", 1)[1].strip() for line in head.split("\r\n")
                     if line.lower().startswith(name.lower() + ":")), "")
    def final(cseq, authorization=None):
        branch, data = message(cseq, authorization)
        send(data)
        while True:
            head = receive()
            status = head.split("\r\n", 1)[0]
            if not status.startswith("SIP/2.0 1"):
                break
        if method == "INVITE":
            # RFC 3261 §17.1.1.3: the ACK for a non-2xx final response, same branch and To tag.
            ack = [f"ACK {uri} SIP/2.0", f"Via: SIP/2.0/{via_transport} {local[0]}:{local[1]};rport;branch={branch}",
                   "Max-Forwards: 70", f"From: <sip:{user}@{host}>;tag={from_tag}", f"To: {header(head, 'To')}",
                   f"Call-ID: {call_id}", f"CSeq: {cseq} ACK", "Content-Length: 0", "", ""]
            send("\r\n".join(ack).encode())
        return head, status
    head, status = final(1)
    if status.startswith("SIP/2.0 401") or status.startswith("SIP/2.0 407"):
        name = "www-authenticate:" if method == "REGISTER" else "proxy-authenticate:"
        challenge = next(line.split(":", 1)[1].strip() for line in head.split("\r\n")
                         if line.lower().startswith(name) and "MD5" in line.upper())
        params = {}
        for part in challenge[len("Digest"):].split(","):
            name, _, value = part.strip().partition("=")
            params[name.strip().lower()] = value.strip().strip('"')
        ha1 = hashlib.md5(f"{user}:{params['realm']}:{password}".encode()).hexdigest()
        ha2 = hashlib.md5(f"{method}:{uri}".encode()).hexdigest()
        cnonce, nc = f"{random.getrandbits(32):08x}", "00000001"
        if "qop" in params:
            response = hashlib.md5(f"{ha1}:{params['nonce']}:{nc}:{cnonce}:auth:{ha2}".encode()).hexdigest()
            qop = f', qop=auth, nc={nc}, cnonce="{cnonce}"'
        else:
            response = hashlib.md5(f"{ha1}:{params['nonce']}:{ha2}".encode()).hexdigest()
            qop = ""
        authorization = (f'Digest username="{user}", realm="{params["realm"]}", nonce="{params["nonce"]}", '
                         f'uri="{uri}", response="{response}", algorithm=MD5{qop}')
        head, status = final(2, authorization)
    print(status.split(" ", 1)[1])

def ping(sock):
    sock.sendall(b"\r\n\r\n")
    return sock.recv(16) == b"\r\n"

def main(argv):
    command, host, port = argv[0], argv[1], int(argv[2])
    options = {argv[i]: argv[i + 1] for i in range(3, len(argv) - 1) if argv[i].startswith("--")}
    if command in ("register", "invite"):
        request(command.upper(), host, port, argv[3], argv[4], argv[5], options.get("--uri"), options.get("--ca"),
                options.get("--from", "127.0.0.1"))
    elif command == "ping":
        with tls_socket(host, port, options["--ca"]) as sock:
            print("pong" if ping(sock) else "no pong")
    elif command == "hold":
        with tls_socket(host, port, options["--ca"]) as sock:
            print("serial " + serial(sock), flush=True)
            deadline = time.time() + 30
            while not os.path.exists(options["--go"]) and time.time() < deadline:
                time.sleep(0.1)
            print(("pong" if ping(sock) else "no pong") + " serial " + serial(sock), flush=True)
    else:
        sys.exit(f"unknown command {command}")

if __name__ == "__main__":
    main(sys.argv[1:])
