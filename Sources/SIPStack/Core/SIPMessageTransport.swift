import NIOCore
import SIPCore
import SIPTransport

/// The two sends the stack asks of a transport. `SIPTransportManager` is the real one; tests
/// can put an in-memory link with loss in its place (STYLE.md: pjsip's loop transport).
public protocol SIPMessageTransport: Sendable {
    /// Sends `message` to a resolved target (requests, ACKs, stateless messages).
    func send(_ message: SIPMessage, to target: SIPTransportTarget) -> EventLoopFuture<Void>
    /// Sends a response to a request that arrived with `context` (RFC 3261 §18.2.2).
    func sendResponse(_ response: SIPMessage, for context: SIPMessageContext) -> EventLoopFuture<Void>
}

extension SIPTransportManager: SIPMessageTransport {}
