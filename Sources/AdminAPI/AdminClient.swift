import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 client for the admin API: one request per connection, bearer token,
/// bounded response size and time. The CLI's `status`, `registrations`, `calls`, `reload` and
/// `trace` commands use it.
public struct AdminClient: Sendable {
    /// One answer.
    public struct Response: Sendable {
        public var status: Int
        public var contentType: String?
        public var body: [UInt8]

        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The `error` member of a JSON error body, or the text.
        public var errorMessage: String {
            if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
               let message = object["error"] as? String { return message }
            return text
        }
    }

    /// The request methods the admin API uses.
    public enum Method: Sendable {
        case get, post, delete

        var http: HTTPMethod {
            switch self {
            case .get: .GET
            case .post: .POST
            case .delete: .DELETE
            }
        }
    }

    /// Why a request failed before an HTTP answer arrived.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Largest response body accepted (a pcap of a long call fits).
    public static let maxResponseBody = 64 << 20

    public let host: String
    public let port: Int
    public let token: String
    public let timeout: TimeAmount

    public init(host: String, port: Int, token: String, timeout: TimeAmount = .seconds(10)) {
        self.host = host
        self.port = port
        self.token = token
        self.timeout = timeout
    }

    /// Sends one request and returns the answer, whatever its status.
    public func send(_ method: Method, _ path: String, body: [UInt8]? = nil,
                     group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> Response {
        let promise = group.next().makePromise(of: Response.self)
        let timeout = self.timeout
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
                }
            }
        let channel: any Channel
        do { channel = try await bootstrap.connect(host: host, port: port).get() } catch {
            promise.fail(error)
            throw Failure(description: "cannot connect to the admin API at \(host):\(port): \(error)")
        }
        let timer = channel.eventLoop.scheduleTask(in: timeout) {
            promise.fail(Failure(description: "no answer from \(host):\(port) within \(timeout)"))
            channel.close(promise: nil)
        }
        var head = HTTPRequestHead(version: .http1_1, method: method.http, uri: path)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        head.headers.add(name: "Authorization", value: "Bearer \(token)")
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "Content-Length", value: "\(body?.count ?? 0)")
        if body != nil { head.headers.add(name: "Content-Type", value: "application/json") }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        return try await promise.futureResult.get()
    }
}

/// Collects one response and completes the promise at its end (or fails it when the
/// connection closes first).
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<AdminClient.Response>
    private var response: AdminClient.Response?

    init(promise: EventLoopPromise<AdminClient.Response>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            response = AdminClient.Response(status: Int(head.status.code), contentType: head.headers.first(name: "Content-Type"), body: [])
        case .body(var buffer):
            guard (response?.body.count ?? 0) + buffer.readableBytes <= AdminClient.maxResponseBody else {
                promise.fail(AdminClient.Failure(description: "response larger than \(AdminClient.maxResponseBody) bytes"))
                context.close(promise: nil)
                return
            }
            response?.body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            if let response { promise.succeed(response) }
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(AdminClient.Failure(description: "the admin API closed the connection before answering"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}
