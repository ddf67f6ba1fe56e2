import NIOConcurrencyHelpers
import SIPCore
import SIPStack
import SIPTransport

/// The minimal UAC: INVITE, ACK for the 2xx, BYE; counts what succeeded.
struct PeerUAC {
    let stack: SIPStack
    let target: SIPTransportTarget
    let localContact: String
    let localAddress: String

    /// Places one call; true when INVITE got a 2xx and BYE a 2xx.
    func call(number: Int) async -> Bool {
        let callID = "\(number)-\(SIPMessage.makeTag())@\(localAddress)"
        let fromTag = SIPMessage.makeTag()
        let targetURI = "sip:service@\(target.address.ipAddress ?? "127.0.0.1"):\(target.address.port ?? 5060)"
        var headers = SIPHeaders()
        headers.append(.maxForwards, value: "70")
        headers.append(.from, value: "<sip:peer@\(localAddress)>;tag=\(fromTag)")
        headers.append(.to, value: "<\(targetURI)>")
        headers.append(.callID, value: callID)
        headers.append(.cseq, value: "1 INVITE")
        headers.append(.contact, value: localContact)
        headers.append(.contentType, value: "application/sdp")
        let invite = SIPMessage(request: SIPRequestLine(method: .invite, uri: targetURI), headers: headers, body: PeerUAS.sdp)
        // Every 2xx (retransmissions included, RFC 6026 §8.4) is ACKed; the first final ends the wait.
        let (stack, target) = (self.stack, self.target)
        let first = await withCheckedContinuation { (continuation: CheckedContinuation<SIPClientEvent, Never>) in
            let resumed = NIOLockedValueBox(false)
            stack.sendRequest(invite, to: target) { event in
                if case .final(let response) = event, let status = response.statusCode, (200...299).contains(status) {
                    stack.sendAck(for: invite, response: response, to: target).whenFailure { _ in }
                }
                guard event.isFinal else { return }
                let already = resumed.withLockedValue { value in
                    defer { value = true }
                    return value
                }
                guard !already else { return }
                continuation.resume(returning: event)
            }
        }
        guard case .final(let answer) = first, let status = answer.statusCode, (200...299).contains(status) else { return false }
        var bye = SIPHeaders()
        bye.append(.maxForwards, value: "70")
        bye.append(.from, value: "<sip:peer@\(localAddress)>;tag=\(fromTag)")
        bye.append(.to, bytes: answer.headers.firstValue(.to) ?? [])
        bye.append(.callID, value: callID)
        bye.append(.cseq, value: "2 BYE")
        let byeRequest = SIPMessage(request: SIPRequestLine(method: .bye, uri: targetURI), headers: bye)
        let outcome = await stack.finalResponse(to: byeRequest, at: target)
        return (200...299).contains(outcome.statusCode)
    }

    /// Runs `calls` calls, `concurrency` at a time; returns how many succeeded.
    func run(calls: Int, concurrency: Int) async -> Int {
        await withTaskGroup(of: Bool.self) { group in
            var started = 0
            var succeeded = 0
            while started < min(concurrency, calls) {
                let number = started
                group.addTask { await call(number: number) }
                started += 1
            }
            while let result = await group.next() {
                if result { succeeded += 1 }
                if started < calls {
                    let number = started
                    group.addTask { await call(number: number) }
                    started += 1
                }
            }
            return succeeded
        }
    }
}
