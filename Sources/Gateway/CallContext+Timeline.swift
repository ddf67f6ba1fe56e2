import B2BUA
import Foundation
import SIPCore

/// Writing the call's ``CallTimeline`` (one-line calls at the places where things happen, compact
/// values: the text is made when the admin API asks) and handing it to the admin API.
@available(macOS 15.0, *)
extension CallContext {
    /// The B2BUA's leg records as they are (the array is shared, not copied: the machine copies
    /// it only when an event changes a record while the caller holds this one).
    var legRecords: [CallRecord.LegRecord] {
        // Read in place (``CallContext/withMachine(_:)``): `legRecords` on a copy would copy the machine.
        withMachine { $0.legRecords } ?? []
    }

    /// After the machine took an event: new attempts, failovers and ended legs. Nothing to
    /// compare when the records are the same array (no event changed them).
    func noteLegChanges(since before: [CallRecord.LegRecord]) {
        let after = legRecords
        let same = before.withUnsafeBufferPointer { old in
            after.withUnsafeBufferPointer { new in old.baseAddress == new.baseAddress && old.count == new.count }
        }
        if same { return }
        timeline.recordLegChanges(before: before, after: after, decision: decision, at: Date())
    }

    /// An SDP as the gateway sent or received it (`what`: `caller: offer received`), when the
    /// message carries one.
    func noteSDP(of message: SIPMessage, _ what: String) {
        noteSDP(of: message, .text(what))
    }

    /// An SDP as the gateway sent or received it, when the message carries one: its bytes are
    /// kept, the text is made when the admin API asks.
    func noteSDP(of message: SIPMessage, _ note: CallTimeline.SDPNote) {
        let body = message.body
        guard !body.isEmpty, Self.isSDP(message.headers.firstValue(.contentType)) else { return }
        timeline.write(.sdp(note, body))
    }

    /// The Content-Type names SDP (a missing one counts as SDP): `application/sdp` at the start,
    /// in any case. ASCII is compared on the bytes; anything else goes through the text.
    static func isSDP(_ value: ArraySlice<UInt8>?) -> Bool {
        guard let value else { return true }
        let prefix = "application/sdp".utf8
        if value.count >= prefix.count {
            var index = value.startIndex
            var ascii = true
            var equal = true
            for expected in prefix {
                let byte = value[index]
                if byte >= 0x80 { ascii = false; break }
                let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                if lower != expected { equal = false }
                index += 1
            }
            // A non-ASCII byte right after the prefix may join its last character (a combining mark).
            if ascii, index == value.endIndex || value[index] < 0x80 { return equal }
        } else if value.allSatisfy({ $0 < 0x80 }) {
            return false
        }
        return String(decoding: value, as: UTF8.self).lowercased().hasPrefix("application/sdp")
    }

    /// How the timeline names an outbound leg: `leg2 carrier (Call-ID …)`.
    func legLabel(_ id: CallLegID) -> CallTimeline.LegLabel {
        withLeg(id) { CallTimeline.LegLabel(id: id, target: $0.request.target.target, callID: $0.callID) }
            ?? CallTimeline.LegLabel(id: id)
    }

    /// The call ended for the caller: status, cause, who ended it, the legs and the duration.
    func noteEnd(_ record: CallRecord) {
        let milliseconds = CallTimeline.milliseconds(record.ended.timeIntervalSince(record.started))
        timeline.write(.end(.init(status: record.status, cause: record.q850Cause, endedBy: record.endedBy.rawValue,
                                  legs: record.legs, milliseconds: milliseconds)), at: record.ended)
    }
}
