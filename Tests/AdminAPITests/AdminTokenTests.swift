import AdminAPI
import Foundation
import Testing

@Suite struct AdminTokenTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("admin-token-\(UUID().uuidString)").path

    @Test func generatedOnceIntoTheDataDirectoryWithMode0600() throws {
        let first = try AdminToken.resolve(configured: nil, dataDirectory: directory, environment: [:])
        let path = AdminToken.filePath(dataDirectory: directory)
        #expect(first.origin == .generated(path))
        #expect(first.token.count == 64)
        #expect(first.token.allSatisfy { $0.isHexDigit })
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let second = try AdminToken.resolve(configured: nil, dataDirectory: directory, environment: [:])
        #expect(second.token == first.token)
        #expect(second.origin == .file(path))
        #expect(AdminToken.read(path: path) == first.token)
    }

    @Test func configurationThenEnvironmentWin() throws {
        let environment = [AdminToken.environmentVariable: "from-env"]
        #expect(try AdminToken.resolve(configured: "from-config", dataDirectory: directory, environment: environment)
            == ("from-config", .configuration))
        #expect(try AdminToken.resolve(configured: nil, dataDirectory: directory, environment: environment) == ("from-env", .environment))
        #expect(!FileManager.default.fileExists(atPath: AdminToken.filePath(dataDirectory: directory)))
    }

    @Test func anUnwritableDataDirectoryIsAnError() {
        #expect(throws: AdminToken.Failure.self) {
            try AdminToken.resolve(configured: nil, dataDirectory: "/proc/gatehouse-no-such-dir", environment: [:])
        }
    }
}
