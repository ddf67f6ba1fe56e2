#!/usr/bin/env python3
"""RTP captures for sipp's play_pcap_audio in scripts/interop-dtmf (issue 8).

  dtmf-pcap.py events SRC DST PT SCALE   sipp's RFC 4733 capture (SRC, PT 101, 8000 Hz) with the
                                          payload type set to PT and timestamps and durations
                                          multiplied by SCALE (6: telephone-event/48000)
  dtmf-pcap.py tone DST DIGIT             PCMU, 20 ms packets: 0.6 s of silence, DIGIT as a
                                          DTMF tone pair for 0.3 s (-10 dBm0 each), 0.6 s of
                                          silence (in-band DTMF, ITU-T Q.23/Q.24)

Only the RTP bytes change; sipp sends each packet's UDP payload at its capture time.
"""
import math
import struct
import sys

LINK_HEADER = {1: 14, 113: 16, 0: 4, 101: 0}
# Q.23 frequencies: (low, high) per key.
KEYS = {
    '1': (697, 1209), '2': (697, 1336), '3': (697, 1477), 'A': (697, 1633),
    '4': (770, 1209), '5': (770, 1336), '6': (770, 1477), 'B': (770, 1633),
    '7': (852, 1209), '8': (852, 1336), '9': (852, 1477), 'C': (852, 1633),
    '*': (941, 1209), '0': (941, 1336), '#': (941, 1477), 'D': (941, 1633),
}


def rtp_offsets(data):
    """Yields (endian, offset of the RTP header, end of the packet) for each UDP packet."""
    endian = '<' if data[:4] == b'\xd4\xc3\xb2\xa1' else '>'
    link = struct.unpack(endian + 'I', data[20:24])[0]
    offset, link_len = 24, LINK_HEADER[link]
    while offset + 16 <= len(data):
        length = struct.unpack(endian + 'I', data[offset + 8:offset + 12])[0]
        packet = offset + 16
        ip = packet + link_len
        rtp = ip + (data[ip] & 0x0f) * 4 + 8
        if rtp + 16 <= packet + length:
            yield rtp
        offset = packet + length


def events(src, dst, payload_type, scale):
    data = bytearray(open(src, 'rb').read())
    for rtp in rtp_offsets(data):
        data[rtp + 1] = (data[rtp + 1] & 0x80) | payload_type
        timestamp = struct.unpack('>I', data[rtp + 4:rtp + 8])[0]
        data[rtp + 4:rtp + 8] = struct.pack('>I', (timestamp * scale) & 0xffffffff)
        duration = struct.unpack('>H', data[rtp + 14:rtp + 16])[0]
        data[rtp + 14:rtp + 16] = struct.pack('>H', min(duration * scale, 0xffff))
    open(dst, 'wb').write(data)


def ulaw(sample):
    """G.711 mu-law encoding of one 16-bit linear sample."""
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), clip) + bias
    exponent = 7
    for bit in range(7, -1, -1):
        if magnitude & (0x4000 >> (7 - bit)):
            exponent = bit
            break
    mantissa = (magnitude >> (exponent + 3)) & 0x0f
    return ~(sign | (exponent << 4) | mantissa) & 0xff


def tone(dst, digit):
    low, high = KEYS[digit]
    amplitude = 7000  # about -10 dBm0 per frequency
    samples = [0] * 4800
    samples += [int(amplitude * (math.sin(2 * math.pi * low * n / 8000) + math.sin(2 * math.pi * high * n / 8000)))
                for n in range(2400)]
    samples += [0] * 4800
    out = bytearray(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for index in range(len(samples) // 160):
        payload = bytes(ulaw(s) for s in samples[index * 160:(index + 1) * 160])
        rtp = struct.pack('>BBHII', 0x80, (0x80 if index == 0 else 0), 1000 + index, 160 * index, 0x1234abcd) + payload
        udp = struct.pack('>HHHH', 40000, 10000, 8 + len(rtp), 0) + rtp
        ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), index, 0, 64, 17, 0,
                         bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])) + udp
        frame = b'\x00' * 12 + b'\x08\x00' + ip
        microseconds = index * 20000
        out += struct.pack('<IIII', microseconds // 1_000_000, microseconds % 1_000_000, len(frame), len(frame)) + frame
    open(dst, 'wb').write(out)


if __name__ == '__main__':
    if len(sys.argv) == 6 and sys.argv[1] == 'events':
        events(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif len(sys.argv) == 4 and sys.argv[1] == 'tone' and sys.argv[3] in KEYS:
        tone(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
