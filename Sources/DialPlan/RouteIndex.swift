/// Which routes can match a dialled number, so routing does not scan every route: routes whose
/// `to` is all exact numbers are found by number; the others (prefix, pattern, any) are always
/// candidates. Candidates come back in file order, so the first match still wins.
public struct RouteIndex: Sendable {
    private var byNumber: [String: [Int]] = [:]
    private var others: [Int] = []

    public init(_ routes: [Route]) {
        for (index, route) in routes.enumerated() {
            let exact = route.called.compactMap { match -> String? in
                if case .exact(let number) = match { return number }
                return nil
            }
            if route.called.isEmpty || exact.count != route.called.count {
                others.append(index)
            } else {
                for number in Set(exact) { byNumber[number, default: []].append(index) }
            }
        }
    }

    /// Indices of the routes that can match `number`, ascending.
    public func candidates(for number: String) -> [Int] {
        merge(byNumber[number] ?? [], others)
    }

    /// Indices below `limit` of routes that can match every number a route with these exact
    /// numbers matches (those listing `first`, plus the non-exact ones), ascending.
    func candidates(coveringExact first: String, below limit: Int) -> [Int] {
        merge(byNumber[first] ?? [], others).filter { $0 < limit }
    }

    private func merge(_ a: [Int], _ b: [Int]) -> [Int] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var result: [Int] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) { result.append(a[i]); i += 1 } else { result.append(b[j]); j += 1 }
        }
        return result
    }
}
