#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import RTPCore

/// What the engine needs to report RTCP for a leg it transcodes to: there the engine is the RTP
/// source (RFC 3550 §7.1: a mixer or transcoder terminates RTCP and sends its own), so the
/// leg gets a sender report on our SSRC and a report block on the stream it sends us.
struct ReportState {
    /// RTP packets and payload octets we sent to the leg (SR sender info, §6.4.1).
    var packetsSent: UInt32 = 0
    var payloadOctetsSent: UInt32 = 0
    /// The last RTP timestamp we sent and when, to extrapolate the SR's RTP timestamp.
    var lastTimestamp: UInt32?
    var lastSentAt: UInt64 = 0
    /// The SSRC of the stream the leg sends us (the report block's subject).
    var receptionSource: UInt32?
    /// LSR and its arrival time from the leg's last sender report.
    var lastSenderReport: UInt32 = 0
    var lastSenderReportArrival: UInt64 = 0
    /// When the next report is due (0: not scheduled yet).
    var nextReport: UInt64 = 0
}

extension RelayCore {
    /// Jitter and source bookkeeping for a packet entering a transcoder (§6.4.1, A.8).
    func noteTranscodedArrival(from leg: MediaLeg, header: RTPHeader, now: UInt64) {
        let index = leg.rawValue
        guard legs[index].isConfigured else { return }
        let arrival = UInt32(truncatingIfNeeded: RTPTimestamp.units(fromNanoseconds: now, rate: legs[index].clockRate))
        legs[index].reception?.receive(timestamp: header.timestamp, arrival: arrival)
        legs[index].report.receptionSource = header.ssrc
    }

    /// Sender statistics for a transcoded packet sent to `leg` at `now`.
    func noteTranscodedSend(to leg: MediaLeg, timestamp: UInt32, payloadOctets: Int, now: UInt64) {
        let index = leg.rawValue
        legs[index].report.packetsSent &+= 1
        legs[index].report.payloadOctetsSent &+= UInt32(truncatingIfNeeded: payloadOctets)
        legs[index].report.lastTimestamp = timestamp
        legs[index].report.lastSentAt = now
    }

    /// Keeps LSR (the middle of the NTP timestamp) of a sender report from a transcoded leg.
    func noteTerminatedRTCP(from leg: MediaLeg, packet: ByteBuffer) {
        let senderReport: UInt64? = packet.withUnsafeReadableBytes { bytes in
            guard var walk = try? RTCPCompoundPacket(validating: bytes, allowReducedSize: true) else { return nil }
            while let header = try? walk.next(in: bytes) {
                if case .senderReport(let report)? = try? RTCPPacket(header: header, in: bytes) { return report.ntpTimestamp }
            }
            return nil
        }
        guard let senderReport else { return }
        legs[leg.rawValue].report.lastSenderReport = RTCPReportBlock.compactNTP(senderReport)
        legs[leg.rawValue].report.lastSenderReportArrival = NIODeadline.now().uptimeNanoseconds
    }

    /// Sends each transcoded leg its SR (or RR before we sent anything) + SDES when due, and
    /// sets `nextReportCheck` to the earliest next report (ticks before it skip this).
    func sendReportsIfDue(now: UInt64) {
        var earliest = UInt64.max
        for index in 0..<2 {
            guard legs[index].transcoded, legs[index].isConfigured else { continue }
            let interval = UInt64(max(1, settings.rtcpReportInterval.nanoseconds))
            if legs[index].report.nextReport == 0 {
                // The first report after half an interval (RFC 3550 §6.2 "initial" halving).
                legs[index].report.nextReport = now + UInt64(Double(interval) * Double.random(in: 0.25...0.75))
            } else if now >= legs[index].report.nextReport {
                legs[index].report.nextReport = now + UInt64(Double(interval) * Double.random(in: 0.5...1.5))
                if let leg = MediaLeg(rawValue: index) { sendReport(to: leg, now: now) }
            }
            earliest = min(earliest, legs[index].report.nextReport)
        }
        nextReportCheck = earliest
    }

    /// One compound packet (RFC 3550 §6.1: SR or RR first, then SDES with a CNAME).
    func sendReport(to leg: MediaLeg, now: UInt64) {
        let index = leg.rawValue
        guard let configuration = legs[index].configuration else { return }
        let ssrc = configuration.outgoingSSRC
        let state = legs[index].report
        var blocks: [RTCPReportBlock] = []
        if let source = state.receptionSource, legs[index].reception != nil {
            let delay = state.lastSenderReport == 0 ? 0 : UInt32(truncatingIfNeeded: (now &- state.lastSenderReportArrival) * 65536 / 1_000_000_000)
            if let block = legs[index].reception?.makeReportBlock(ssrc: source, lastSenderReport: state.lastSenderReport, delaySinceLastSenderReport: delay) {
                blocks.append(block)
            }
        }
        var buffer = allocator.buffer(capacity: 128)
        do {
            if let last = state.lastTimestamp {
                let elapsed = RTPTimestamp.units(fromNanoseconds: now &- state.lastSentAt, rate: configuration.codec.format.clockRate)
                try RTCPBuilder.writeSenderReport(
                    ssrc: ssrc, ntpTimestamp: Self.ntpNow(), rtpTimestamp: last &+ UInt32(truncatingIfNeeded: elapsed),
                    packetCount: state.packetsSent, octetCount: state.payloadOctetsSent, reportBlocks: blocks, to: &buffer)
            } else {
                try RTCPBuilder.writeReceiverReport(ssrc: ssrc, reportBlocks: blocks, to: &buffer)
            }
            try RTCPBuilder.writeSourceDescription(ssrc: ssrc, canonicalName: Array("gatehouse-\(String(ssrc, radix: 16))".utf8), to: &buffer)
        } catch {
            return
        }
        legs[index].counters.rtcpGenerated += 1
        sendRTCP(&buffer, to: leg)
    }

    /// The wall clock as a 64-bit NTP timestamp (seconds since 1900 and a 32-bit fraction).
    static func ntpNow() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let seconds = UInt64(time.tv_sec) &+ 2_208_988_800
        let fraction = (UInt64(time.tv_nsec) << 32) / 1_000_000_000
        return seconds << 32 | fraction
    }
}
