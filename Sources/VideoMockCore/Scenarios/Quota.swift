/// `quota: { requests: 10, per: 1m }`: per API key, a sliding window of `per` seconds in which
/// at most `requests` requests that meet the rule pass; the rest get 429 with `Retry-After`.
package struct Quota: Sendable, Equatable {
    package var requests: Int
    package var per: Double

    package init(requests: Int, per: Double) {
        self.requests = requests
        self.per = per
    }
}

/// The times of the requests a quota let pass for one key, oldest first.
struct QuotaWindow {
    private var times: [Double] = []
    private var start = 0
    /// Requests refused so far.
    var refused = 0

    /// In the window now.
    func count(at now: Double, per: Double) -> Int { times[start...].count { now - $0 < per } }

    /// Lets the request at `now` pass and returns nil, or returns the seconds until the oldest
    /// request in the window leaves it.
    mutating func admit(at now: Double, quota: Quota) -> Double? {
        while start < times.count, now - times[start] >= quota.per { start += 1 }
        if start > 64, start * 2 > times.count {
            times.removeFirst(start)
            start = 0
        }
        guard times.count - start >= quota.requests else {
            times.append(now)
            return nil
        }
        refused += 1
        return times[start] + quota.per - now
    }
}
