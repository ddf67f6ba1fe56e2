import Foundation
import Hummingbird
import NIOCore

/// How the admin API writes its bodies: JSON with sorted keys and ISO 8601 dates, errors as
/// `{"error": "..."}` with their HTTP status.
enum AdminResponses {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        do {
            let data = try AdminJSON.encoder.encode(value)
            return Response(status: status, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data + [0x0A])))
        } catch {
            return Response(status: .internalServerError)
        }
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(["error": message], status: status)
    }

    static func bytes(_ bytes: [UInt8], contentType: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extra)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The JSON coding shared by the server and `AdminClient`.
public enum AdminJSON {
    /// Sorted keys, ISO 8601 dates.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// ISO 8601 dates.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
