import Foundation

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

extension Date {
    /// `self` moved by `duration`.
    func adding(_ duration: Duration) -> Date { addingTimeInterval(duration.seconds) }
}
