import Foundation

/// Where the active bans are kept across restarts: ``BanStore`` (a JSON file) or
/// ``SQLiteBanStore`` (the gateway's data directory). ``SharedSecurityPolicy`` calls it; calls are
/// serialised by the caller.
public protocol BanPersistence: Sendable {
    /// The stored snapshot; an empty one when nothing was stored yet.
    func load() throws -> AuthFailureBanList.Snapshot
    /// Replaces what is stored with `snapshot`.
    func save(_ snapshot: AuthFailureBanList.Snapshot) throws
}

/// Keeps an ``AuthFailureBanList/Snapshot`` in a JSON file so bans survive a restart. Writes are
/// atomic (a temporary file renamed over the old one), so a crash mid-write leaves the previous
/// file intact.
public struct BanStore: BanPersistence {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// The stored snapshot; an empty one when the file does not exist yet.
    public func load() throws -> AuthFailureBanList.Snapshot {
        guard FileManager.default.fileExists(atPath: url.path) else { return AuthFailureBanList.Snapshot(bans: []) }
        let data = try Data(contentsOf: url)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(AuthFailureBanList.Snapshot.self, from: data)
    }

    /// Replaces the file with `snapshot`.
    public func save(_ snapshot: AuthFailureBanList.Snapshot) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(snapshot).write(to: url, options: .atomic)
    }
}
