import AdminAPI
import B2BUA
import Foundation
import SIPCore

/// Writing the call's ``CallTimeline`` (one-line calls at the places where things happen) and
/// handing it to the admin API.
@available(macOS 15.0, *)
extension CallContext {
    /// The B2BUA's leg records as the timeline compares them.
    var legSnapshots: [CallTimeline.LegSnapshot] {
        // Read in place (``CallContext/withMachine(_:)``): `legRecords` on a copy would copy the machine.
        withMachine { machine in
            machine.legRecords.map {
                CallTimeline.LegSnapshot(target: $0.target, contact: $0.contact, attempt: $0.attempt, outcome: $0.outcome,
                                         status: $0.status, started: $0.started, ended: $0.ended)
            }
        } ?? []
    }

    /// After the machine took an event: new attempts, failovers and ended legs.
    func noteLegChanges(since before: [CallTimeline.LegSnapshot]) {
        timeline.recordLegChanges(before: before, after: legSnapshots, decision: decision, at: Date())
    }

    /// An SDP as the gateway sent or received it (`what`: `caller: offer received`), when the
    /// message carries one.
    func noteSDP(of message: SIPMessage, _ what: String) {
        guard !message.body.isEmpty else { return }
        let type = message.headers[.contentType]?.lowercased() ?? "application/sdp"
        guard type.hasPrefix("application/sdp") else { return }
        timeline.record(.sdp, what + "\n" + Self.lineFeeds(message.body))
    }

    /// The body as text with CRLF line ends turned into LF, on the bytes (Foundation's
    /// `replacingOccurrences` cost ~1% of a call's CPU).
    static func lineFeeds(_ body: some Collection<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(body.count)
        var pendingCR = false
        for byte in body {
            if pendingCR, byte != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\r")) }
            pendingCR = byte == UInt8(ascii: "\r")
            if !pendingCR { bytes.append(byte) }
        }
        if pendingCR { bytes.append(UInt8(ascii: "\r")) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `leg2 carrier (Call-ID …)`: how the timeline names an outbound leg.
    func legName(_ id: CallLegID) -> String {
        withLeg(id) { "\(id) \($0.request.target.target) (Call-ID \($0.callID))" } ?? id.description
    }

    /// The call ended for the caller: status, cause, who ended it, the legs and the duration.
    func noteEnd(_ record: CallRecord) {
        let seconds = CallTimeline.milliseconds(record.ended.timeIntervalSince(record.started))
        timeline.record(.end, "status \(record.status), Q.850 cause \(record.q850Cause), ended by \(record.endedBy.rawValue)"
            + ", legs \(record.summary.isEmpty ? "none" : record.summary), \(seconds) ms", at: record.ended)
    }

    /// The timeline as the admin API shows it; a last event says how many were not kept.
    var adminTimeline: [AdminCall.Event] {
        var events = timeline.events.map {
            AdminCall.Event(time: $0.time, kind: $0.kind.rawValue, detail: $0.detail,
                            offsetMilliseconds: CallTimeline.milliseconds($0.time.timeIntervalSince(startedAt)))
        }
        if timeline.dropped > 0 {
            events.append(.init(time: events.last?.time ?? startedAt, kind: "dropped",
                                detail: "\(timeline.dropped) later events not kept (limit \(CallTimeline.maxEvents))"))
        }
        return events
    }
}
