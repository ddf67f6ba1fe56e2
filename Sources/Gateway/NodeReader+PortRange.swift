import OperatorInput
import Yams

extension NodeReader {
    /// `20000-20999`: an even first port and a range of at least two ports.
    mutating func portRange(_ node: Node) -> ClosedRange<Int>? {
        let text = node.scalar?.string ?? ""
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]),
           1024...65535 ~= low, 1024...65535 ~= high, low < high, low % 2 == 0 {
            return low...high
        }
        error(at: node, "media ports must be a range like 20000-20999 (even first port, 1024-65535), not '\(text)'",
              fix: "write `ports: 20000-20999`")
        return nil
    }
}
