#!/usr/bin/env python3
"""Reference for scripts/bench-media: the same load (N PCMU calls, 50 packets/s per direction,
172-byte packets) relayed by rtpengine userspace (--table=-1) driven over its ng protocol.
Prints rtpengine's CPU (utime+stime of its process) per call and per packet, and loss.
Usage: rtpengine-ref.py CALLS SECONDS. Starts and stops its own rtpengine by PID."""
import os, random, socket, subprocess, sys, time

calls, seconds = int(sys.argv[1]), int(sys.argv[2])
NG = ("127.0.0.1", 22299)

def bencode(value):
    if isinstance(value, int): return b"i%de" % value
    if isinstance(value, str): value = value.encode()
    if isinstance(value, bytes): return b"%d:%s" % (len(value), value)
    if isinstance(value, list): return b"l" + b"".join(bencode(v) for v in value) + b"e"
    if isinstance(value, dict):
        return b"d" + b"".join(bencode(k) + bencode(value[k]) for k in sorted(value)) + b"e"
    raise TypeError(value)

def ng(sock, command):
    cookie = b"%x" % random.getrandbits(48)
    sock.sendto(cookie + b" " + bencode(command), NG)
    reply, _ = sock.recvfrom(65535)
    return reply.split(b" ", 1)[1]

def sdp_port(reply):
    for line in reply.split(b"\r\n"):
        if line.startswith(b"m=audio "): return int(line.split()[1])
    raise RuntimeError(reply[:300])

def sdp(port):
    return ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n" % port)

def cpu(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

engine = subprocess.Popen(["rtpengine", "--foreground", "--table=-1", "--interface=127.0.0.1",
                           "--listen-ng=%s:%d" % NG, "--port-min=44000", "--port-max=46000",
                           "--log-level=3", "--log-stderr", "--num-threads=1"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    time.sleep(1.5)
    control = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    control.settimeout(3)
    peers = []  # (socket, relay port to send to)
    for n in range(calls):
        a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", 0))
        b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(("127.0.0.1", 0))
        common = {"call-id": "bench-%d" % n, "from-tag": "a%d" % n}
        offer = ng(control, dict(common, command="offer", sdp=sdp(a.getsockname()[1])))
        answer = ng(control, dict(common, command="answer", sdp=sdp(b.getsockname()[1]), **{"to-tag": "b%d" % n}))
        peers.append((a, sdp_port(answer)))  # A sends to the port in the answer rtpengine gave A
        peers.append((b, sdp_port(offer)))   # B sends to the port in the offer rtpengine gave B
    for s, _ in peers: s.setblocking(False)
    # The same traffic shape as media-bench: the calls spread evenly over each 20 ms period (20
    # slots of 1 ms), a late wake-up catching up. Like media-bench's phones, nothing waits on a
    # phone's socket (no poll): each tick drains the sockets of that tick's phones without
    # blocking, then sleeps until the next tick. A waiter would be woken from inside rtpengine's
    # sendto (loopback delivers in the sender's system call), billing a phone's wake-up to it.
    packets_each, sent, received = seconds * 50, 0, 0
    def drain(s):
        count = 0
        while True:
            try: s.recv(2048); count += 1
            except BlockingIOError: return count
    start_cpu, start = cpu(engine.pid), time.monotonic()
    end = start + packets_each * 0.02 + 0.5
    tick = 0
    while True:
        now = time.monotonic()
        if now >= end: break
        due = int((now - start) * 1000)
        while tick <= due:
            slot, number = tick % 20, tick // 20
            for index in range(slot, len(peers), 20):
                s, port = peers[index]
                if number < packets_each:
                    header = bytes([0x80, 0, (number >> 8) & 0xFF, number & 0xFF]) + (number * 160).to_bytes(4, "big") + (index + 1).to_bytes(4, "big")
                    try: s.sendto(header + b"\xff" * 160, ("127.0.0.1", port)); sent += 1
                    except BlockingIOError: pass
                received += drain(s)
            tick += 1
        time.sleep(max(0, start + tick / 1000 - time.monotonic()))
    for s, _ in peers: received += drain(s)
    used, wall = cpu(engine.pid) - start_cpu, time.monotonic() - start
    print("rtpengine calls=%d seconds=%.1f sent=%d relayed=%d loss=%.3f%% cpu=%.2fs (%.1f%% of a core) "
          "cpu/call=%.3f%% of a core cpu/packet=%.2fus" % (calls, wall, sent, received,
          100 * (sent - received) / max(sent, 1), used, 100 * used / wall, 100 * used / wall / calls,
          used / max(sent, 1) * 1e6))
finally:
    engine.terminate()
    try: engine.wait(5)
    except subprocess.TimeoutExpired: engine.kill()
