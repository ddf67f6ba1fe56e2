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
        var answer: SIPMessage?
        var sentInvite = invite
        for await event in stack.request(invite, to: target) {
            if case .final(let response) = event, let status = response.statusCode, (200...299).contains(status) {
                answer = response
            }
        }
        guard let answer else { return false }
        // The INVITE as sent carries our Via; makeACK only needs its other fields.
        sentInvite.headers.prepend(.via, value: "SIP/2.0/\(target.transport.viaName) \(localAddress);branch=z9hG4bKack")
        _ = try? await stack.sendAck(for: sentInvite, response: answer, to: target).get()
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
