import CSRTP
import NIOCore

/// One direction's SRTP work on one leg, whichever library does it.
protocol SRTPTransform: AnyObject {
    /// Octets protect may append: tag, MKI and the SRTCP index.
    var trailerCapacity: Int { get }
    func protectRTP(_ buffer: inout ByteBuffer) throws(SRTPError)
    func unprotectRTP(_ buffer: inout ByteBuffer) throws(SRTPError)
    func protectRTCP(_ buffer: inout ByteBuffer) throws(SRTPError)
    func unprotectRTCP(_ buffer: inout ByteBuffer) throws(SRTPError)
}

/// One libsrtp2 session (`srtp_t`) for one direction: protects outgoing or unprotects incoming
/// RTP and RTCP for any SSRC. Not thread-safe: owned by one channel handler on one event loop.
final class SRTPContext: SRTPTransform {
    /// Which way the context works: libsrtp keeps separate key streams and replay state.
    enum Direction { case outbound, inbound }

    private let session: OpaquePointer
    let suite: SRTPCryptoSuite
    /// Whether packets carry an MKI (RFC 3711 §3.1).
    private let usesMKI: UInt32
    /// Room to reserve after a packet for protect: tag, MKI and the SRTCP index.
    let trailerCapacity: Int

    init(suite: SRTPCryptoSuite, key: SDESKeyParameters, direction: Direction, replayWindow: Int) throws(SRTPError) {
        try SRTPLibrary.ensureInitialized()
        guard key.masterKey.count == suite.masterKeyLength, key.masterSalt.count == suite.masterSaltLength,
              (64...0x7FFF).contains(replayWindow)
        else { throw .badKey }
        var policy = srtp_policy_t()
        suite.apply(rtp: &policy.rtp, rtcp: &policy.rtcp)
        policy.ssrc.type = direction == .outbound ? ssrc_any_outbound : ssrc_any_inbound
        policy.window_size = UInt(replayWindow)
        policy.allow_repeat_tx = 0
        var material = key.keyAndSalt
        var mki = key.mkiBytes ?? []
        var created: OpaquePointer?
        let status: srtp_err_status_t = material.withUnsafeMutableBufferPointer { keyBytes in
            if mki.isEmpty {
                policy.key = keyBytes.baseAddress
                return srtp_create(&created, &policy)
            }
            return mki.withUnsafeMutableBufferPointer { mkiBytes in
                var masterKey = srtp_master_key_t(
                    key: keyBytes.baseAddress, mki_id: mkiBytes.baseAddress, mki_size: UInt32(mkiBytes.count))
                return withUnsafeMutablePointer(to: &masterKey) { masterKeyPointer in
                    var keys: [UnsafeMutablePointer<srtp_master_key_t>?] = [masterKeyPointer]
                    return keys.withUnsafeMutableBufferPointer { keyList in
                        policy.key = nil
                        policy.keys = keyList.baseAddress
                        policy.num_master_keys = 1
                        return srtp_create(&created, &policy)
                    }
                }
            }
        }
        // Wipe our copy of the key material (libsrtp keeps its own derived keys).
        for index in material.indices { material[index] = 0 }
        guard status == srtp_err_status_ok, let created else { throw .badKey }
        self.session = created
        self.suite = suite
        self.usesMKI = mki.isEmpty ? 0 : 1
        self.trailerCapacity = max(suite.rtpTagLength, suite.rtcpTrailerLength) + mki.count
    }

    deinit {
        srtp_dealloc(session)
    }

    private enum Operation { case protectRTP, unprotectRTP, protectRTCP, unprotectRTCP }

    /// Runs one libsrtp operation in place on the readable bytes of `buffer`.
    private func run(_ operation: Operation, on buffer: inout ByteBuffer, minimumLength: Int) throws(SRTPError) {
        let length = buffer.readableBytes
        guard length >= minimumLength, length <= Int(Int32.max) - trailerCapacity else { throw .malformedPacket }
        if operation == .protectRTP || operation == .protectRTCP {
            buffer.reserveCapacity(minimumWritableBytes: trailerCapacity)
        }
        let start = buffer.readerIndex
        var packetLength = Int32(length)
        let session = self.session
        let usesMKI = self.usesMKI
        let status: srtp_err_status_t = buffer.withVeryUnsafeMutableBytes { storage in
            guard let base = storage.baseAddress else { return srtp_err_status_bad_param }
            let packet = base + start
            switch operation {
            case .protectRTP: return srtp_protect_mki(session, packet, &packetLength, usesMKI, 0)
            case .unprotectRTP: return srtp_unprotect_mki(session, packet, &packetLength, usesMKI)
            case .protectRTCP: return srtp_protect_rtcp_mki(session, packet, &packetLength, usesMKI, 0)
            case .unprotectRTCP: return srtp_unprotect_rtcp_mki(session, packet, &packetLength, usesMKI)
            }
        }
        guard status == srtp_err_status_ok else { throw SRTPError(status: status) }
        buffer.moveWriterIndex(to: start + Int(packetLength))
    }

    func protectRTP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        try run(.protectRTP, on: &buffer, minimumLength: 12)
    }

    func unprotectRTP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        try run(.unprotectRTP, on: &buffer, minimumLength: 12 + suite.rtpTagLength)
    }

    func protectRTCP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        try run(.protectRTCP, on: &buffer, minimumLength: 8)
    }

    func unprotectRTCP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        try run(.unprotectRTCP, on: &buffer, minimumLength: 8 + suite.rtcpTrailerLength)
    }
}
