import NIOCore
import RTPCore
import SecureRTP
import Transcoding

extension RelayCore {
    /// One datagram on a leg's RTP port (RTP, or RTCP when muxed: RFC 5761 §4).
    func receive(from leg: MediaLeg, envelope: AddressedEnvelope<ByteBuffer>) {
        let kind = envelope.data.withUnsafeReadableBytes { MediaPacketKind(classifying: $0) }
        switch kind {
        case .rtp: receiveRTP(from: leg, envelope: envelope)
        case .rtcp: receiveRTCP(from: leg, envelope: envelope)
        default: legs[leg.rawValue].counters.packetsDropped += 1
        }
    }

    private func receiveRTP(from leg: MediaLeg, envelope: AddressedEnvelope<ByteBuffer>) {
        let index = leg.rawValue
        guard legs[index].configuration != nil else {
            legs[index].counters.packetsDropped += 1
            return
        }
        let now = NIODeadline.now().uptimeNanoseconds
        switch legs[index].latch.observe(source: envelope.remoteAddress, now: now) {
        case .drop:
            legs[index].counters.packetsDropped += 1
            return
        case .latched(let address):
            legs[index].rtcpTarget = nil
            events.yield(.latched(leg: leg, address: address))
        case .accept:
            break
        }
        var buffer = envelope.data
        if let srtp = legs[index].srtp {
            do {
                try srtp.unprotectRTP(&buffer)
            } catch {
                legs[index].counters.srtpFailures += 1
                return
            }
        }
        guard let header = buffer.withUnsafeReadableBytes({ try? RTPHeader(parsing: $0) }) else {
            legs[index].counters.packetsDropped += 1
            return
        }
        legs[index].counters.packetsReceived += 1
        legs[index].counters.bytesReceived += envelope.data.readableBytes
        legs[index].lastReceived = now
        legs[index].timedOut = false
        if legs[index].reception == nil {
            legs[index].reception = RTPReceptionStatistics(firstSequenceNumber: header.sequenceNumber)
        } else {
            _ = legs[index].reception?.receive(sequenceNumber: header.sequenceNumber)
            legs[index].counters.packetsLost = Int(legs[index].reception?.cumulativeLost ?? 0)
        }
        // DTMF HOOK (the one DTMF touch point of this file; the rest is RelayCore+DTMF.swift):
        // telephone-events are decoded and maybe swallowed, in-band tones detected/written,
        // audio held back while an RFC 4733 event is sent the other way.
        if interceptDTMF(header: header, buffer: &buffer, from: leg, now: now) { return }
        let egress = leg.other
        guard let router = routers[index] else {
            legs[index].counters.packetsDropped += 1
            return
        }
        switch router.route(payloadType: header.payloadType) {
        case .drop:
            legs[index].counters.packetsDropped += 1
        case .forward(let payloadType):
            // Same codec: rewrite the header in place (StreamContinuity) and send on.
            guard let mapping = continuity[egress.rawValue]?.map(
                ssrc: header.ssrc, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, arrivalNanoseconds: now)
            else { return }
            buffer.rewriteRTPHeader(
                ssrc: mapping.ssrc, sequenceNumber: mapping.sequenceNumber, timestamp: mapping.timestamp,
                payloadType: payloadType, marker: mapping.startsNewSource ? true : nil)
            sendRTP(buffer, to: egress)
        case .transcode:
            guard let pipeline = pipelines[index] else { return }
            let payload = header.payloadRange
            buffer.withUnsafeReadableBytes { bytes in
                pipeline.receive(
                    payload: UnsafeRawBufferPointer(rebasing: bytes[payload]), sequenceNumber: header.sequenceNumber,
                    timestamp: header.timestamp, marker: header.marker, arrival: now
                ) { packet in sendTranscoded(packet, to: egress) }
            }
        }
    }

    /// Builds the egress leg's RTP packet around a transcoded payload.
    func sendTranscoded(_ packet: TranscodingPipeline.OutputPacket, to egress: MediaLeg) {
        guard let configuration = legs[egress.rawValue].configuration else { return }
        let builder = RTPPacketBuilder(
            marker: packet.marker, payloadType: configuration.codec.payloadType,
            sequenceNumber: packet.sequenceNumber, timestamp: packet.timestamp, ssrc: configuration.outgoingSSRC)
        var buffer = allocator.buffer(capacity: RTPHeader.fixedHeaderLength + packet.payload.count + 64)
        guard (try? builder.write(payload: packet.payload, to: &buffer)) != nil else { return }
        sendRTP(buffer, to: egress)
    }

    private func sendRTP(_ packet: ByteBuffer, to egress: MediaLeg) {
        let index = egress.rawValue
        guard let channel = legs[index].channel, let target = legs[index].latch.target else {
            legs[index].counters.packetsDropped += 1
            return
        }
        var buffer = packet
        if let srtp = legs[index].srtp {
            do {
                try srtp.protectRTP(&buffer)
            } catch {
                legs[index].counters.srtpFailures += 1
                return
            }
        }
        legs[index].counters.packetsSent += 1
        legs[index].counters.bytesSent += buffer.readableBytes
        channel.write(AddressedEnvelope(remoteAddress: target, data: buffer), promise: nil)
        legs[index].pendingFlush = true
    }

    /// RTCP from a leg (its RTCP port, or muxed): unprotect, rewrite SSRCs and SR timestamps
    /// to match the relayed RTP (RFC 3550 §7.2), protect for the other leg and send on. When
    /// the direction is transcoded the RTCP is terminated here (not relayed).
    func receiveRTCP(from leg: MediaLeg, envelope: AddressedEnvelope<ByteBuffer>) {
        let index = leg.rawValue
        // Only from the latched peer's host (RFC 3550 §7.2 translators forward what they relay).
        guard legs[index].configuration != nil, legs[index].latch.isLatched,
              let target = legs[index].latch.target, target.ipAddress == envelope.remoteAddress.ipAddress
        else {
            legs[index].counters.packetsDropped += 1
            return
        }
        if !rtcpMux, legs[index].rtcpTarget == nil { legs[index].rtcpTarget = envelope.remoteAddress }
        var buffer = envelope.data
        if let srtp = legs[index].srtp {
            do {
                try srtp.unprotectRTCP(&buffer)
            } catch {
                legs[index].counters.srtpFailures += 1
                return
            }
        }
        guard let router = routers[index], !router.needsTranscoding else { return }
        let egress = leg.other
        var rewriter = RTCPRelayRewriter(forward: continuity[egress.rawValue], backward: continuity[index])
        guard (try? buffer.rewriteRTCP(allowReducedSize: true, with: &rewriter)) != nil else {
            legs[index].counters.packetsDropped += 1
            return
        }
        legs[index].counters.rtcpRelayed += 1
        let out = egress.rawValue
        guard let channel = rtcpMux ? legs[out].channel : legs[out].rtcpChannel,
              let destination = rtcpMux ? legs[out].latch.target : (legs[out].rtcpTarget ?? legs[out].latch.target.flatMap { Self.rtcpAddress(for: $0) })
        else { return }
        if let srtp = legs[out].srtp {
            do {
                try srtp.protectRTCP(&buffer)
            } catch {
                legs[out].counters.srtpFailures += 1
                return
            }
        }
        channel.write(AddressedEnvelope(remoteAddress: destination, data: buffer), promise: nil)
        legs[out].pendingRTCPFlush = true
    }

    /// The RTCP address for an RTP address without rtcp-mux: port + 1 (RFC 3550 §11).
    static func rtcpAddress(for rtp: SocketAddress) -> SocketAddress? {
        guard let host = rtp.ipAddress, let port = rtp.port, port < 65535 else { return nil }
        return try? SocketAddress(ipAddress: host, port: port + 1)
    }
}
