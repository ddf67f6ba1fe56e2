import DialPlan
import Foundation
import Registrar
import SIPCore
import SIPStack

@available(macOS 15.0, *)
extension TrunkService {
    /// OPTIONS probing of one trunk until cancelled (RFC 3261 §11.1; INTEROP.md: down after
    /// `down_after` misses or a 503/408, up after `up_after` answers). The first probe goes out at
    /// once, then one every `interval`.
    func runProbe(_ trunk: Trunk, _ probe: Trunk.Probe) async {
        var health = ProbeHealth(isUp: true, missesToDown: probe.downAfter, successesToUp: probe.upAfter)
        var sequence: UInt32 = 0
        while !Task.isCancelled {
            sequence &+= 1
            let event = await signaling.send(makeOptions(trunk, cseq: sequence), to: trunk)
            if Task.isCancelled { return }
            let result: ProbeHealth.Result = switch event {
            case .final(let response): .answered(status: response.statusCode ?? 500)
            case .timeout, .transportError, .provisional: .timeout
            }
            if health.record(result) {
                logger.notice(health.isUp ? "trunk up" : "trunk down", metadata: [
                    "trunk": "\(trunk.name)", "status": "\(event.statusCode)"])
            } else {
                logger.debug("trunk probe", metadata: ["trunk": "\(trunk.name)", "status": "\(event.statusCode)"])
            }
            let (isUp, status) = (health.isUp, event.statusCode)
            updateHealth(trunk) { trunkHealth in
                trunkHealth.probeUp = isUp
                trunkHealth.lastProbeStatus = status
            }
            try? await Task.sleep(for: probe.interval)
        }
    }

    /// An out-of-dialog OPTIONS to the trunk's server (RFC 3261 §11.1); the stack adds the Via.
    func makeOptions(_ trunk: Trunk, cseq: UInt32) -> SIPMessage {
        let host = signaling.contactHost(for: trunk)
        var message = SIPMessage(request: SIPRequestLine(method: .options, uri: trunk.serverURIText))
        message.headers.append(.maxForwards, value: "70")
        message.headers.append(.from, value: "<sip:gatehouse@\(host)>;tag=\(SIPMessage.makeTag())")
        message.headers.append(.to, value: "<\(trunk.serverURIText)>")
        message.headers.append(.callID, value: DigestHash.randomHex(12) + "@gatehouse")
        message.headers.append(.cseq, value: "\(cseq) OPTIONS")
        message.headers.append(.accept, value: "application/sdp")
        return message
    }
}
