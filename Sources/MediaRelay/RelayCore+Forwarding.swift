import NIOCore
import RTPCore
import SecureRTP
import Transcoding

extension RelayCore {
    /// One datagram on a leg's RTP port (RTP, or RTCP when muxed: RFC 5761 §4) or RTCP port.
    /// `packet` is the loop's scratch buffer: processed in place, never kept.
    func receive(from leg: MediaLeg, onRTCPPort: Bool, packet: inout ByteBuffer, source: MediaAddress, now: UInt64) {
        if onRTCPPort {
            receiveRTCP(from: leg, packet: &packet, source: source)
            return
        }
        let kind = packet.withUnsafeReadableBytes { MediaPacketKind(classifying: $0) }
        switch kind {
        case .rtp: receiveRTP(from: leg, packet: &packet, source: source, now: now)
        case .rtcp: receiveRTCP(from: leg, packet: &packet, source: source)
        default: legs[leg.rawValue].counters.packetsDropped += 1
        }
    }

    private func receiveRTP(from leg: MediaLeg, packet buffer: inout ByteBuffer, source: MediaAddress, now: UInt64) {
        let index = leg.rawValue
        guard legs[index].isConfigured else {
            legs[index].counters.packetsDropped += 1
            return
        }
        switch legs[index].latch.observe(source: source, now: now) {
        case .drop:
            legs[index].counters.packetsDropped += 1
            return
        case .latched(let address):
            legs[index].rtcpTarget = nil
            if let address = address.socketAddress { events.yield(.latched(leg: leg, address: address)) }
        case .accept:
            break
        }
        let received = buffer.readableBytes
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
        legs[index].counters.bytesReceived += received
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
        // RFC 3264 §8.4: nothing toward a leg the gateway does not send to (held); dropped
        // before any transcoding.
        guard legs[egress.rawValue].sends else {
            legs[index].counters.packetsDropped += 1
            return
        }
        guard let route = fastRoutes[index] else {
            legs[index].counters.packetsDropped += 1
            return
        }
        switch route.route(payloadType: header.payloadType) {
        case .drop:
            legs[index].counters.packetsDropped += 1
        case .forward(let payloadType):
            // Same codec: rewrite the header in place (StreamContinuity) and send on.
            guard let mapping = continuity[egress.rawValue]?.map(
                ssrc: header.ssrc, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, arrivalNanoseconds: now)
            else { return }
            // Audio: the marker starts a talkspurt (RFC 3551 §4.1), so a new source sets it.
            // Video: it ends a frame (RFC 6184 §5.1) and is left alone.
            buffer.rewriteRTPHeader(
                ssrc: mapping.ssrc, sequenceNumber: mapping.sequenceNumber, timestamp: mapping.timestamp,
                payloadType: payloadType, marker: mapping.startsNewSource && kind == .audio ? true : nil)
            sendRTP(&buffer, to: egress)
            if kind == .video, mapping.startsNewSource, (continuity[egress.rawValue]?.sourceCount ?? 0) > 1 {
                // A new video source mid-call (re-INVITE, failover): the receiver cannot decode
                // its delta frames, so ask the new source for a key frame (RFC 4585 §6.3.1).
                requestKeyFrame(from: leg, mediaSSRC: header.ssrc)
            }
        case .transcode:
            guard let pipeline = pipelines[index] else { return }
            noteTranscodedArrival(from: leg, header: header, now: now)
            let payload = header.payloadRange
            buffer.withUnsafeReadableBytes { bytes in
                pipeline.receive(
                    payload: UnsafeRawBufferPointer(rebasing: bytes[payload]), sequenceNumber: header.sequenceNumber,
                    timestamp: header.timestamp, marker: header.marker, arrival: now
                ) { packet in sendTranscoded(packet, to: egress, now: now) }
            }
        }
    }

    /// Builds the egress leg's RTP packet around a transcoded payload, in the core's reused
    /// `transcodedPacket` buffer (no allocation; the leg's payload type and SSRC read from its
    /// scalars, not through its configuration). `now` is the time of the wake-up that produced it.
    func sendTranscoded(_ packet: TranscodingPipeline.OutputPacket, to egress: MediaLeg, now: UInt64) {
        let index = egress.rawValue
        guard legs[index].isConfigured else { return }
        let builder = RTPPacketBuilder(
            marker: packet.marker, payloadType: legs[index].payloadType,
            sequenceNumber: packet.sequenceNumber, timestamp: packet.timestamp, ssrc: legs[index].outgoingSSRC)
        var buffer = transcodedPacket.take() ?? allocator.buffer(capacity: 1500)
        defer { transcodedPacket = buffer }
        buffer.clear()
        guard (try? builder.write(payload: packet.payload, to: &buffer)) != nil else { return }
        noteTranscodedSend(to: egress, timestamp: packet.timestamp, payloadOctets: packet.payload.count, now: now)
        sendRTP(&buffer, to: egress)
    }

    /// Protects (SRTP) and queues one RTP packet to `egress` on the I/O loop; also the path of
    /// RFC 4733 events sent by the DTMF hooks (RelayCore+DTMFSending.swift).
    func sendRTP(_ buffer: inout ByteBuffer, to egress: MediaLeg) {
        let index = egress.rawValue
        guard legs[index].sends, legs[index].socket >= 0, let target = legs[index].latch.target else {
            legs[index].counters.packetsDropped += 1
            return
        }
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
        loop.send(buffer, on: legs[index].socket, to: target)
    }

    /// RTCP from a leg (its RTCP port, or muxed): unprotect, rewrite SSRCs and SR timestamps
    /// to match the relayed RTP (RFC 3550 §7.2), protect for the other leg and send on. When
    /// the direction is transcoded the RTCP is terminated here (not relayed).
    func receiveRTCP(from leg: MediaLeg, packet buffer: inout ByteBuffer, source: MediaAddress) {
        let index = leg.rawValue
        // Only from the peer's host (latched, or from its SDP before it sent RTP: a receive-only
        // video viewer sends RTCP feedback but no RTP). RFC 3550 §7.2.
        guard legs[index].configuration != nil,
              let target = legs[index].latch.target, target.sameHost(as: source)
        else {
            legs[index].counters.packetsDropped += 1
            return
        }
        if !rtcpMux, legs[index].rtcpTarget == nil { legs[index].rtcpTarget = source }
        if let srtp = legs[index].srtp {
            do {
                try srtp.unprotectRTCP(&buffer)
            } catch {
                legs[index].counters.srtpFailures += 1
                return
            }
        }
        guard let router = routers[index] else { return }
        if router.needsTranscoding {
            // Terminated here (the other leg gets our own reports): keep the SR time for LSR/DLSR.
            noteTerminatedRTCP(from: leg, packet: buffer)
            return
        }
        let egress = leg.other
        var rewriter = RTCPRelayRewriter(forward: continuity[egress.rawValue], backward: continuity[index])
        guard (try? buffer.rewriteRTCP(allowReducedSize: true, with: &rewriter)) != nil else {
            legs[index].counters.packetsDropped += 1
            return
        }
        legs[index].counters.rtcpRelayed += 1
        sendRTCP(&buffer, to: egress)
    }

    /// Sends a picture loss indication to `leg` for its stream `mediaSSRC` (nil: the current
    /// source of what the leg sends us), from the SSRC we send to that leg with.
    func requestKeyFrame(from leg: MediaLeg, mediaSSRC: UInt32? = nil) {
        let index = leg.rawValue
        guard let media = mediaSSRC ?? continuity[leg.other.rawValue]?.currentSourceSSRC,
              let sender = continuity[index]?.configuration.ssrc ?? legs[index].configuration?.outgoingSSRC
        else { return }
        var buffer = allocator.buffer(capacity: 64)
        RTCPBuilder.writePictureLossIndication(senderSSRC: sender, mediaSSRC: media, to: &buffer)
        legs[index].counters.keyFrameRequests += 1
        sendRTCP(&buffer, to: leg)
    }

    /// Sends an RTCP compound packet to `egress` (its RTCP port, or muxed), protected with
    /// its SRTCP context.
    func sendRTCP(_ buffer: inout ByteBuffer, to egress: MediaLeg) {
        let out = egress.rawValue
        let socket = rtcpMux ? legs[out].socket : legs[out].rtcpSocket
        guard socket >= 0,
              let destination = rtcpMux ? legs[out].latch.target : (legs[out].rtcpTarget ?? legs[out].latch.target?.rtcpNeighbour)
        else { return }
        if let srtp = legs[out].srtp {
            do {
                try srtp.protectRTCP(&buffer)
            } catch {
                legs[out].counters.srtpFailures += 1
                return
            }
        }
        loop.send(buffer, on: socket, to: destination)
    }
}
