#!/usr/bin/env python3
"""H.264 RTP for the video case of scripts/interop-calls (issue 7).

  h264-rtp.py pcap DST SECONDS       a capture for sipp's play_pcap_video: H.264 (RFC 6184,
                                     packetization-mode 1), payload type 96, 90 kHz clock,
                                     SSRC 0x0d00cafe, 25 frames/s. Frame 0 and every 25th are key
                                     frames: SPS and PPS as single NAL unit packets, then an IDR
                                     slice of 3000 bytes in FU-A fragments (§5.8) of at most 1100;
                                     the others are one non-IDR slice of 400 bytes. The marker bit
                                     is set on the last packet of each frame (§5.1).
  h264-rtp.py pli PORT [TIMEOUT]     sniffs loopback (AF_PACKET, root) for the first RTP packet
                                     sent to UDP PORT (a video phone's port), then sends an RTCP
                                     picture loss indication (RFC 4585 §6.3.1) from 127.0.0.1 to
                                     that packet's source port + 1 (the gateway's RTCP port),
                                     naming the SSRC the packet came with; prints
                                     "pli media_ssrc=0x... to=PORT".
  h264-rtp.py check FILE PORT LOW HIGH SENT
                                     reads tshark fields (one packet a line: udp.srcport
                                     udp.dstport rtp.p_type rtp.ssrc rtp.seq rtp.timestamp
                                     rtp.marker rtp.payload rtcp.pt rtcp.psfb.fmt rtcp.mediassrc) and
                                     prints "ok ..." or "bad ..." for the relayed video: to PORT
                                     from a port in LOW-HIGH, at least 80% of SENT packets, PT 96,
                                     one SSRC (not the capture's), consecutive sequence numbers,
                                     timestamps in whole frames, SPS/PPS/FU-A IDR/slices intact;
                                     video back from LOW-HIGH elsewhere; PLIs from LOW-HIGH naming
                                     the capture's SSRC (relayed to the sender).

The NAL payload bytes are not a decodable picture: only the RTP/NAL framing is checked.
"""
import socket
import struct
import sys
import time

SSRC = 0x0D00CAFE
PAYLOAD_TYPE = 96
FRAME_TICKS = 90000 // 25
FU_SIZE = 1100


def nal_packets(frame):
    """The RTP payloads of one frame (list of bytes)."""
    if frame % 25 == 0:
        sps = bytes([0x67, 0x42, 0x80, 0x1F]) + bytes(range(8))   # NRI 3, type 7, Baseline 3.1
        pps = bytes([0x68, 0xCE, 0x3C, 0x80])                     # NRI 3, type 8
        idr = bytes([0x65]) + bytes((frame + n) & 0xFF for n in range(2999))  # NRI 3, type 5
        payloads = [sps, pps]
        body = idr[1:]
        chunks = [body[i:i + FU_SIZE] for i in range(0, len(body), FU_SIZE)]
        for index, chunk in enumerate(chunks):
            indicator = (idr[0] & 0xE0) | 28                       # FU-A
            header = idr[0] & 0x1F
            if index == 0:
                header |= 0x80                                     # S
            if index == len(chunks) - 1:
                header |= 0x40                                     # E
            payloads.append(bytes([indicator, header]) + chunk)
        return payloads
    return [bytes([0x41]) + bytes((frame * 7 + n) & 0xFF for n in range(399))]  # NRI 2, type 1


def pcap(dst, seconds):
    out = bytearray(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    sequence = 4000
    count = 0
    for frame in range(int(seconds * 25)):
        payloads = nal_packets(frame)
        for index, payload in enumerate(payloads):
            marker = 0x80 if index == len(payloads) - 1 else 0
            rtp = struct.pack('>BBHII', 0x80, marker | PAYLOAD_TYPE, sequence & 0xFFFF,
                              (frame * FRAME_TICKS) & 0xFFFFFFFF, SSRC) + payload
            udp = struct.pack('>HHHH', 40002, 10002, 8 + len(rtp), 0) + rtp
            ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), count & 0xFFFF, 0, 64, 17, 0,
                             bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])) + udp
            ether = b'\x00' * 12 + b'\x08\x00' + ip
            microseconds = frame * 40000 + index * 200
            out += struct.pack('<IIII', microseconds // 1_000_000, microseconds % 1_000_000,
                               len(ether), len(ether)) + ether
            sequence += 1
            count += 1
    open(dst, 'wb').write(out)


def pli(port, timeout):
    sniffer = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0003))
    sniffer.bind(('lo', 0))
    sniffer.settimeout(1.0)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            frame = sniffer.recv(65535)
        except socket.timeout:
            continue
        if len(frame) < 14 + 20 + 8 + 12 or frame[12:14] != b'\x08\x00':
            continue
        ip = frame[14:]
        if ip[9] != 17:
            continue
        udp = ip[(ip[0] & 0x0F) * 4:]
        source, destination = struct.unpack('>HH', udp[:4])
        rtp = udp[8:]
        if destination != port or len(rtp) < 12 or rtp[0] >> 6 != 2 or rtp[1] & 0x7F != PAYLOAD_TYPE:
            continue
        media = struct.unpack('>I', rtp[8:12])[0]
        # RFC 4585 §6.1: V=2, FMT 1 (PLI), PT 206 (PSFB), length 2, sender SSRC, media SSRC.
        packet = struct.pack('>BBHII', 0x81, 206, 2, 0x0BADF00D, media)
        time.sleep(0.3)
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.sendto(packet, ('127.0.0.1', source + 1))
        print(f'pli media_ssrc=0x{media:08x} to={source + 1}')
        return
    sys.exit(f'no RTP to port {port} within {timeout} s')


def check(path, port, low, high, sent):
    to_phone, back, plis, other_plis, problems = [], 0, 0, [], []
    for line in open(path):
        fields = line.split(' ')
        fields += [''] * (11 - len(fields))
        source, destination, payload_type, ssrc, seq, timestamp, marker, payload, rtcp_pt, fmt, media = \
            [field.strip() for field in fields[:11]]
        if not source.isdigit() or not destination.isdigit():
            continue
        if int(destination) == port and payload_type:
            if not low <= int(source) <= high:
                problems.append(f'source-port={source}')
            to_phone.append((int(payload_type), int(ssrc, 16), int(seq), int(timestamp),
                             marker in ('1', 'True'), bytes.fromhex(payload.replace(':', ''))))
        elif payload_type == str(PAYLOAD_TYPE) and low <= int(source) <= high:
            back += 1
        if rtcp_pt.startswith('206') and fmt == '1' and low <= int(source) <= high:
            if media and int(media, 16) == SSRC:
                plis += 1
            else:
                other_plis.append(media)
    types = {packet[0] for packet in to_phone}
    ssrcs = {packet[1] for packet in to_phone}
    gaps = sum(1 for a, b in zip(to_phone, to_phone[1:]) if b[2] != (a[2] + 1) % 65536)
    steps = sum(1 for a, b in zip(to_phone, to_phone[1:]) if (b[3] - a[3]) % FRAME_TICKS)
    nals = {packet[5][0] & 0x1F for packet in to_phone if packet[5]}
    idr = sum(1 for packet in to_phone if len(packet[5]) > 1 and packet[5][0] & 0x1F == 28
              and packet[5][1] & 0x1F == 5 and packet[5][1] & 0x80)
    markers = sum(1 for packet in to_phone if packet[4])
    ok = (len(to_phone) >= sent * 0.8 and types == {PAYLOAD_TYPE} and len(ssrcs) == 1 and SSRC not in ssrcs
          and not gaps and not steps and {1, 7, 8, 28} <= nals and idr >= 3 and markers > 0
          and back > 0 and not problems)
    ssrc_text = ','.join(f'0x{value:08x}' for value in ssrcs)
    print(f"{'ok' if ok else 'bad'} to-phone={len(to_phone)}/{sent} pt={sorted(types)} ssrc={ssrc_text} "
          f"gaps={gaps} steps={steps} nal-types={sorted(nals)} idr-starts={idr} markers={markers} "
          f"echoed-back={back} pli-naming-door-ssrc={plis}"
          + (f" other-pli={other_plis}" if other_plis else '') + (f" {' '.join(problems[:3])}" if problems else ''))


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'pcap':
        pcap(sys.argv[2], float(sys.argv[3]))
    elif len(sys.argv) in (3, 4) and sys.argv[1] == 'pli':
        pli(int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) == 4 else 10)
    elif len(sys.argv) == 7 and sys.argv[1] == 'check':
        check(sys.argv[2], *(int(value) for value in sys.argv[3:7]))
    else:
        sys.exit(__doc__)
