#!/usr/bin/env python3
"""Checks one captured call of scripts/interop-media between a sipp peer (PCMU, plain RTP: a door
calling, or a trunk called) and a softphone (baresip, Opus, SDES-SRTP) through the gateway, which
transcodes and protects.

Usage: media-check.py CAPTURE.pcap SOFTPHONE_SIP_PORT PCMU_MEDIA_PORT [HEARD.wav]

Reads the capture itself (libpcap format, loopback), finds the gateway's INVITE to the softphone
and its 200 answer, then checks every stream and prints one PASS/FAIL line per check:

  softphone-sdp   both SDPs of the softphone leg are RTP/SAVP; the answer (the gateway's or the
                  softphone's, whoever called) has one a=crypto line echoing an offered tag with
                  the same suite and its own key (RFC 4568 §7.1.2-3);
  softphone-rtp   gateway -> softphone: the softphone's Opus payload type, one SSRC, timestamp
                  step 960 per packet (48 kHz clock, 20 ms), packets 20 ms apart;
  softphone-srtp  every packet to the softphone verifies with the gateway's SDES key (HMAC-SHA1
                  tag of the suite, RFC 3711 §4.2, or the 16-octet GCM tag, RFC 7714 §8), its
                  payload is not plain Opus (the first octets vary), and decrypted (AES-CM,
                  RFC 3711 §4.1.1, or AES-128-GCM) it is 20 ms Opus frames;
  from-softphone  softphone -> gateway: SRTP that verifies with the softphone's key;
  pcmu-rtp        gateway -> sipp peer: PT 0, one SSRC, step 160 (8 kHz, 20 ms), 160-octet payloads,
                  20 ms apart, no tag (plain RTP);
  pcmu-hears      the sipp peer's audio (mu-law decoded) is the softphone's 440 Hz tone;
  softphone-hears the softphone's decoded audio (HEARD.wav, baresip's sndfile dump) is the
                  sipp peer's 1 kHz tone: baresip decrypted and decoded what the gateway sent.
MEDIA_CHECK_PROTO=RTP/AVP expects SDES keys on RTP/AVP (an `srtp: offer` leg, RFC 4568 best
effort) instead of RTP/SAVP. MEDIA_CHECK_SUITE=NAME also requires the answer's crypto line to
use that suite (AES_CM_128_HMAC_SHA1_80/32 or AEAD_AES_128_GCM). Exit status: the number of failed checks.
"""
import base64, hmac, hashlib, math, os, statistics, struct, sys, wave

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

TAG_LENGTHS = {'AES_CM_128_HMAC_SHA1_80': 10, 'AES_CM_128_HMAC_SHA1_32': 4, 'AEAD_AES_128_GCM': 16}
GCM = 'AEAD_AES_128_GCM'
failures = 0


def report(ok, name, detail):
    global failures
    print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}")
    failures += 0 if ok else 1


def udp_packets(path):
    """(time, src port, dst port, payload) for every UDP/IPv4 packet of a libpcap file."""
    data = open(path, 'rb').read()
    endian = '<' if data[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    nanos = data[:4] in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d')
    link = struct.unpack(endian + 'I', data[20:24])[0]
    link_length = {1: 14, 113: 16, 276: 20, 0: 4}[link]
    offset, out = 24, []
    while offset + 16 <= len(data):
        seconds, fraction, length = struct.unpack(endian + 'III', data[offset:offset + 12])
        packet = data[offset + 16:offset + 16 + length]
        offset += 16 + length
        ip = packet[link_length:]
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        udp = ip[(ip[0] & 0x0f) * 4:]
        source, destination = struct.unpack('>HH', udp[:4])
        out.append((seconds + fraction / (1e9 if nanos else 1e6), source, destination, bytes(udp[8:])))
    return out


def sdp_of(message):
    text = message.decode(errors='replace').replace('\r', '')
    return text.split('\n\n', 1)[1] if '\n\n' in text else ''


def audio_line(sdp):
    """(port, proto, payload types, {pt: rtpmap}, [crypto lines]) of the first m=audio."""
    port, proto, pts, maps, cryptos = None, None, [], {}, []
    in_audio = False
    for line in sdp.split('\n'):
        if line.startswith('m='):
            in_audio = line.startswith('m=audio') and port is None
            if in_audio:
                fields = line[2:].split()
                port, proto, pts = int(fields[1]), fields[2], fields[3:]
        elif in_audio and line.startswith('a=rtpmap:'):
            pt, value = line[9:].split(' ', 1)
            maps[pt] = value.strip()
        elif in_audio and line.startswith('a=crypto:'):
            cryptos.append(line[9:].split())
    return port, proto, pts, maps, cryptos


def rtp(payload):
    if len(payload) < 12 or payload[0] >> 6 != 2:
        return None
    count = payload[0] & 0x0f
    header = 12 + 4 * count
    if payload[0] & 0x10 and len(payload) >= header + 4:
        header += 4 + 4 * struct.unpack('>H', payload[header + 2:header + 4])[0]
    seq, timestamp, ssrc = struct.unpack('>HII', payload[2:12])
    return {'pt': payload[1] & 0x7f, 'seq': seq, 'ts': timestamp, 'ssrc': ssrc, 'header': header, 'bytes': payload}


class SRTPKeys:
    """RFC 3711 §4.3 key derivation (AES-CM PRF, key derivation rate 0) for one master key."""

    def __init__(self, inline, tag_length, first_label=0):
        material = base64.b64decode(inline.split('|')[0])
        master_key, master_salt = material[:16], material[16:30]
        self.cipher = self.derive(master_key, master_salt, first_label, 16)
        self.auth = self.derive(master_key, master_salt, first_label + 1, 20)
        self.salt = self.derive(master_key, master_salt, first_label + 2, 14)
        self.tag_length = tag_length

    def verify_rtcp(self, packet):
        """Whether an SRTCP packet's 80-bit tag verifies (RFC 3711 §3.4: over all but the tag)."""
        if len(packet) < 8 + 4 + 10:
            return False
        expected = hmac.new(self.auth, packet[:-10], hashlib.sha1).digest()[:10]
        return hmac.compare_digest(expected, packet[-10:])

    @staticmethod
    def derive(key, salt, label, length):
        x = int.from_bytes(salt, 'big') ^ (label << 48)
        iv = (x << 16).to_bytes(16, 'big')
        encryptor = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
        return encryptor.update(bytes(length))

    def verify_and_decrypt(self, packet, roc):
        """The decrypted payload when the tag verifies (RFC 3711 §4.2: HMAC over the packet and ROC)."""
        body, tag = packet['bytes'][:-self.tag_length], packet['bytes'][-self.tag_length:]
        expected = hmac.new(self.auth, body + struct.pack('>I', roc), hashlib.sha1).digest()[:self.tag_length]
        if not hmac.compare_digest(expected, tag):
            return None
        index = (roc << 16) | packet['seq']
        iv = (int.from_bytes(self.salt, 'big') << 16) ^ (packet['ssrc'] << 64) ^ (index << 16)
        decryptor = Cipher(algorithms.AES(self.cipher), modes.CTR(iv.to_bytes(16, 'big'))).decryptor()
        return decryptor.update(body[packet['header']:])


class GCMKeys:
    """AEAD_AES_128_GCM (RFC 7714) for one master key: 16-octet key, 12-octet salt, session keys
    from the AES-CM PRF of RFC 3711 §4.3 (RFC 7714 §11; the salt is zero-padded to 112 bits as in
    libsrtp), 16-octet tag."""

    tag_length = 16

    def __init__(self, inline, first_label=0):
        material = base64.b64decode(inline.split('|')[0])
        master_key, master_salt = material[:16], material[16:28] + bytes(2)
        self.aead = AESGCM(SRTPKeys.derive(master_key, master_salt, first_label, 16))
        self.salt = SRTPKeys.derive(master_key, master_salt, first_label + 2, 12)

    def open(self, iv, sealed, aad):
        nonce = bytes(a ^ b for a, b in zip(iv, self.salt))
        try:
            return self.aead.decrypt(nonce, sealed, aad)
        except InvalidTag:
            return None

    def verify_and_decrypt(self, packet, roc):
        """The payload when the tag verifies; IV = 00 00 || SSRC || ROC || SEQ XOR the session salt,
        AAD = the RTP header (RFC 7714 §8.1, §8.2)."""
        data, header = packet['bytes'], packet['header']
        if len(data) < header + self.tag_length:
            return None
        iv = struct.pack('>HIIH', 0, packet['ssrc'], roc, packet['seq'])
        return self.open(iv, data[header:], data[:header])

    def verify_rtcp(self, packet):
        """Whether an SRTCP packet verifies: trailer E flag || 31-bit index after the tag; IV =
        00 00 || SSRC || 00 00 || index, AAD = the first 8 octets and the trailer, or the whole
        packet when E is clear (RFC 7714 §9.1-9.3)."""
        if len(packet) < 8 + self.tag_length + 4:
            return False
        trailer = packet[-4:]
        index = struct.unpack('>I', trailer)[0] & 0x7fffffff
        ssrc = struct.unpack('>I', packet[4:8])[0]
        iv = struct.pack('>HIHI', 0, ssrc, 0, index)
        if trailer[0] & 0x80:
            return self.open(iv, packet[8:-4], packet[:8] + trailer) is not None
        return self.open(iv, packet[-4 - self.tag_length:-4], packet[:-4 - self.tag_length] + trailer) is not None


def keys_for(suite, inline, first_label=0):
    """The SRTP (first_label 0) or SRTCP (3) keys of an SDES inline key for `suite`."""
    if suite == GCM:
        return GCMKeys(inline, first_label)
    return SRTPKeys(inline, TAG_LENGTHS[suite] if first_label == 0 else 10, first_label)


def with_roc(packets):
    """Each packet with its rollover counter, assuming the first one starts at 0 (RFC 3711 §3.3.1)."""
    roc, previous, out = 0, None, []
    for packet in packets:
        if previous is not None and packet['seq'] < previous and previous - packet['seq'] > 32768:
            roc += 1
        previous = packet['seq']
        out.append((packet, roc))
    return out


def stream_facts(packets, times):
    steps = {(b['ts'] - a['ts']) % 2**32 for a, b in zip(packets, packets[1:]) if (b['seq'] - a['seq']) % 65536 == 1}
    gaps = [b - a for a, b in zip(times, times[1:])]
    interval = statistics.median(gaps) * 1000 if gaps else 0
    return steps, interval


def tone_fraction(samples, rate, frequency, block):
    """Median over blocks of the share of a block's energy at `frequency` (Goertzel, 1 = pure tone)."""
    shares = []
    for start in range(0, len(samples) - block + 1, block):
        chunk = samples[start:start + block]
        energy = sum(x * x for x in chunk)
        if energy == 0:
            shares.append(0.0)
            continue
        coefficient = 2 * math.cos(2 * math.pi * frequency / rate)
        s1 = s2 = 0.0
        for x in chunk:
            s1, s2 = x + coefficient * s1 - s2, s1
        power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        shares.append(2 * power / (block * energy))
    return statistics.median(shares) if shares else 0.0


def ulaw_to_linear(octet):
    octet = ~octet & 0xff
    magnitude = ((octet & 0x0f) << 3) + 0x84
    magnitude <<= (octet & 0x70) >> 4
    return (0x84 - magnitude) if octet & 0x80 else (magnitude - 0x84)


def main():
    capture, phone_sip, door_media = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    heard = sys.argv[4] if len(sys.argv) > 4 else None
    packets = udp_packets(capture)

    # The gateway's SDP to the softphone and the softphone's own (INVITE or 200, whichever way
    # the call went; the last of each, after a digest challenge), then which one offered.
    def sdp_messages(match):
        return [p for _, s, d, p in packets if match(s, d) and b'm=audio' in p
                and (p.startswith(b'INVITE ') or p.startswith(b'SIP/2.0 200'))]
    to_phone = sdp_messages(lambda s, d: d == phone_sip)
    from_phone = sdp_messages(lambda s, d: s == phone_sip)
    if not to_phone or not from_phone:
        report(False, 'softphone-sdp', f'gateway SDP {"found" if to_phone else "missing"}, '
               f'softphone SDP {"found" if from_phone else "missing"}')
        return
    gateway_message, phone_message = to_phone[-1], from_phone[-1]
    gateway_offers = gateway_message.startswith(b'INVITE ')
    gw_port, gw_proto, _, _, gw_cryptos = audio_line(sdp_of(gateway_message))
    phone_port, phone_proto, phone_pts, phone_maps, phone_cryptos = audio_line(sdp_of(phone_message))
    offer_cryptos, answer_cryptos = (gw_cryptos, phone_cryptos) if gateway_offers else (phone_cryptos, gw_cryptos)
    # What the gateway sends to the softphone carries the softphone's payload type for Opus.
    opus_pt = next((int(pt) for pt, value in phone_maps.items() if value.lower().startswith('opus/48000')), None)
    chosen = answer_cryptos[0] if len(answer_cryptos) == 1 else None
    offered = next((c for c in offer_cryptos if chosen and c[0] == chosen[0]), None)
    # RTP/SAVP, or RTP/AVP with crypto for an `srtp: offer` leg (MEDIA_CHECK_PROTO=RTP/AVP).
    proto = os.environ.get('MEDIA_CHECK_PROTO', 'RTP/SAVP')
    wanted = os.environ.get('MEDIA_CHECK_SUITE')
    ok = (gw_proto == proto and phone_proto == proto and offered is not None
          and offered[1] == chosen[1] and chosen[1] in TAG_LENGTHS and opus_pt is not None
          and str(opus_pt) in phone_pts and (wanted is None or chosen[1] == wanted))
    report(ok, 'softphone-sdp', f'{"gateway" if gateway_offers else "softphone"} offers {len(offer_cryptos)} crypto line(s), '
           f'answer crypto {chosen[:2] if chosen else answer_cryptos}{f" (want {wanted})" if wanted else ""}, both {gw_proto}/{phone_proto}, opus PT {opus_pt}')
    if not ok:
        return
    suite = chosen[1]
    tag_length = TAG_LENGTHS[suite]
    gateway_line, phone_line = (offered, chosen) if gateway_offers else (chosen, offered)
    gateway_keys = keys_for(suite, gateway_line[2].split(':', 1)[1])
    phone_keys = keys_for(suite, phone_line[2].split(':', 1)[1])

    def flow(source, destination):
        rows = [(t, rtp(p)) for t, s, d, p in packets if s == source and d == destination]
        # RTP only: RTCP (PT 72-79 with the marker bit, RFC 5761 §4) would only appear with rtcp-mux.
        rows = [(t, r) for t, r in rows if r is not None and not 72 <= r['pt'] <= 79]
        return [r for _, r in rows], [t for t, _ in rows]

    # Gateway -> softphone: Opus over SRTP.
    to_phone, times = flow(gw_port, phone_port)
    audio = [p for p in to_phone if p['pt'] == opus_pt]
    steps, interval = stream_facts(audio, [t for t, p in zip(times, to_phone) if p['pt'] == opus_pt])
    ssrcs = {p['ssrc'] for p in audio}
    report(len(audio) >= 100 and steps == {960} and len(ssrcs) == 1 and 17 <= interval <= 23,
           'softphone-rtp', f'{len(audio)} packets PT {opus_pt} (others {sorted({p["pt"] for p in to_phone} - {opus_pt})}), '
           f'{len(ssrcs)} SSRC, timestamp steps {sorted(steps)}, median interval {interval:.1f} ms')
    verified, toc_ok, first_octets = 0, 0, set()
    for packet, roc in with_roc(audio):
        first_octets.add(packet['bytes'][packet['header']])
        clear = gateway_keys.verify_and_decrypt(packet, roc)
        if clear is None:
            continue
        verified += 1
        config = clear[0] >> 3 if clear else -1
        # RFC 6716 §3.1: configurations with 20 ms frames (SILK, hybrid, CELT).
        if config in (1, 5, 9, 13, 15, 19, 23, 27, 31) and clear[0] & 0x03 == 0:
            toc_ok += 1
    report(audio and verified == len(audio) and toc_ok == len(audio) and len(first_octets) > 8,
           'softphone-srtp', f'{verified}/{len(audio)} {suite} tags ({tag_length} octets) verify with the gateway key, '
           f'{toc_ok} decrypt to one 20 ms Opus frame, {len(first_octets)} distinct first payload octets on the wire')

    # Softphone -> gateway: SRTP under the softphone's key.
    from_phone, _ = flow(phone_port, gw_port)
    ok_from = sum(1 for p, roc in with_roc(from_phone) if phone_keys.verify_and_decrypt(p, roc) is not None)
    report(len(from_phone) >= 100 and ok_from == len(from_phone), 'from-softphone',
           f'{ok_from}/{len(from_phone)} packets verify with the softphone key')

    # SRTCP both ways on the RTCP ports (+1): every packet must verify, except plain ones the
    # softphone may send before its SRTP is up (baresip: one RTCP APP "PING"), which the gateway
    # must refuse; the shell compares their count with the gateway's srtp_failures.
    gateway_rtcp = keys_for(suite, gateway_line[2].split(':', 1)[1], first_label=3)
    phone_rtcp = keys_for(suite, phone_line[2].split(':', 1)[1], first_label=3)
    to_phone_rtcp = [p for _, s, d, p in packets if s == gw_port + 1 and d == phone_port + 1]
    from_phone_rtcp = [p for _, s, d, p in packets if s == phone_port + 1 and d == gw_port + 1]
    ok_to = sum(1 for p in to_phone_rtcp if gateway_rtcp.verify_rtcp(p))
    ok_from_rtcp = sum(1 for p in from_phone_rtcp if phone_rtcp.verify_rtcp(p))
    unprotected = len(from_phone_rtcp) - ok_from_rtcp + len(from_phone) - ok_from
    report(ok_to == len(to_phone_rtcp) and ok_to >= 1, 'srtcp',
           f'gateway -> softphone {ok_to}/{len(to_phone_rtcp)} verify with the gateway key; '
           f'softphone -> gateway {ok_from_rtcp}/{len(from_phone_rtcp)} with the softphone key')
    print(f'UNPROTECTED {unprotected}')

    # Gateway -> door: plain PCMU.
    to_door = [(t, rtp(p)) for t, s, d, p in packets if d == door_media and rtp(p) is not None]
    door_audio = [r for _, r in to_door if r['pt'] == 0]
    steps, interval = stream_facts(door_audio, [t for t, r in to_door if r['pt'] == 0])
    sizes = {len(r['bytes']) - r['header'] for r in door_audio}
    ssrcs = {r['ssrc'] for r in door_audio}
    report(len(door_audio) >= 100 and steps == {160} and sizes == {160} and len(ssrcs) == 1 and 17 <= interval <= 23,
           'pcmu-rtp', f'{len(door_audio)} packets PT 0 (others {sorted({r["pt"] for _, r in to_door} - {0})}), '
           f'{len(ssrcs)} SSRC, timestamp steps {sorted(steps)}, payload sizes {sorted(sizes)}, median interval {interval:.1f} ms')
    samples = [ulaw_to_linear(octet) for r in door_audio[25:] for octet in r['bytes'][r['header']:]]
    at440, at1000 = tone_fraction(samples, 8000, 440, 1600), tone_fraction(samples, 8000, 1000, 1600)
    report(at440 > 0.5 and at1000 < 0.1, 'pcmu-hears', f'share of energy at 440 Hz {at440:.2f}, at 1 kHz {at1000:.2f}')

    if heard:
        try:
            file = wave.open(heard)
        except OSError as error:
            report(False, 'softphone-hears', f'no decoded audio from the softphone: {error}')
            return
        with file:
            rate, channels, width = file.getframerate(), file.getnchannels(), file.getsampwidth()
            frames = file.readframes(file.getnframes())
        values = struct.unpack('<%dh' % (len(frames) // 2), frames) if width == 2 else ()
        mono = list(values[::channels])[rate // 2:]
        block = rate // 5
        at1000, at440 = tone_fraction(mono, rate, 1000, block), tone_fraction(mono, rate, 440, block)
        report(at1000 > 0.5 and at440 < 0.1, 'softphone-hears',
               f'{len(mono) / max(rate, 1):.1f} s at {rate} Hz x{channels}: share at 1 kHz {at1000:.2f}, at 440 Hz {at440:.2f}')


if __name__ == '__main__':
    main()
    sys.exit(failures)
