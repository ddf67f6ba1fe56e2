import DialPlan
import Foundation
import Registrar

extension Secret {
    /// The digest secret: the password from the environment variable or the secrets file (first
    /// line), or a stored HA1 (32 hex digits: MD5, 64: SHA-256); nil when it cannot be read.
    var digestSecret: DigestSecret? {
        switch self {
        case .environment(let name):
            // getenv, not ProcessInfo.environment: that builds a dictionary of the whole
            // environment on every call, and this runs for every authenticated REGISTER.
            guard let value = getenv(name) else { return nil }
            let password = String(cString: value)
            return password.isEmpty ? nil : .password(password)
        case .file(let path):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                  let line = text.split(separator: "\n", omittingEmptySubsequences: false).first, !line.isEmpty
            else { return nil }
            return .password(String(line))
        case .ha1(let hex):
            if hex.count == 32 { return .ha1(md5: hex, sha256: nil) }
            if hex.count == 64 { return .ha1(md5: nil, sha256: hex) }
            return nil
        }
    }
}
