import AsyncHTTPClient
import Foundation
import NIOCore

/// The doctor's platform-status and clock check against an endpoint's REST server.
///
/// Bitfinex v2 has no time endpoint, so the offset comes from the HTTP `Date` header of
/// `GET /v2/platform/status`: the server stamped a time `D` (whole seconds) while the request was
/// in flight between local wall-clock times `t0` and `t1`. `D` is truncated to the second and
/// servers cache it for up to a second (Hummingbird and nginx both do), so the true server time
/// then was in `[D, D + 2 s)` and its clock minus ours lies in `[D − t1, D + 2 s − t0]`. Several
/// probes are intersected, which narrows the interval; its width stays around a second or more,
/// enough to catch the skews that matter (wall-clock nonces, MTS comparisons). Written by hand: no listed library measures clock offset over HTTP.
public struct ClockProbe: Sendable, Hashable, Codable {
    /// The status `platform/status` answered (1 operative, 0 maintenance); nil when it failed.
    public var platformStatus: Int?
    /// Why the platform status could not be read, when it could not.
    public var failure: String?
    /// The lowest possible (server clock − this clock), in milliseconds; nil without a `Date` header.
    public var offsetLowMillis: Int64?
    /// The highest possible (server clock − this clock), in milliseconds.
    public var offsetHighMillis: Int64?
    /// The best round trip of the probes, in milliseconds.
    public var roundTripMillis: Int64?

    /// The middle of the offset interval: positive when this clock is behind the server's.
    public var offsetMillis: Int64? {
        guard let low = offsetLowMillis, let high = offsetHighMillis else { return nil }
        return (low + high) / 2
    }

    /// Half the width of the offset interval.
    public var uncertaintyMillis: Int64? {
        guard let low = offsetLowMillis, let high = offsetHighMillis else { return nil }
        return (high - low + 1) / 2
    }

    /// True when the interval proves the clocks differ by more than `limitMillis`.
    public func provesSkew(beyond limitMillis: Int64) -> Bool {
        guard let low = offsetLowMillis, let high = offsetHighMillis else { return false }
        return low > limitMillis || high < -limitMillis
    }

    /// An empty reading (nothing measured).
    public init(platformStatus: Int? = nil, failure: String? = nil, offsetLowMillis: Int64? = nil,
                offsetHighMillis: Int64? = nil, roundTripMillis: Int64? = nil) {
        self.platformStatus = platformStatus
        self.failure = failure
        self.offsetLowMillis = offsetLowMillis
        self.offsetHighMillis = offsetHighMillis
        self.roundTripMillis = roundTripMillis
    }

    /// Runs `probes` requests to `restPublic` + `/v2/platform/status`, `spacing` apart (so their
    /// `Date` stamps fall on different sub-second phases), with `timeout` each.
    public static func measure(restPublic: String, client: HTTPClient, probes: Int = 4,
                               spacing: Duration = .milliseconds(260), timeout: TimeAmount = .seconds(10)) async -> ClockProbe {
        var reading = ClockProbe()
        for index in 0..<max(1, min(probes, 16)) {
            if index > 0 { try? await Task.sleep(for: spacing) }
            var request = HTTPClientRequest(url: restPublic + "/v2/platform/status")
            request.method = .GET
            let t0 = Self.nowMillis()
            let response: HTTPClientResponse
            let body: ByteBuffer
            do {
                response = try await client.execute(request, timeout: timeout)
                body = try await response.body.collect(upTo: 64 * 1024)
            } catch {
                reading.failure = "platform/status: \(error)"
                continue
            }
            let t1 = Self.nowMillis()
            reading.roundTripMillis = min(reading.roundTripMillis ?? (t1 - t0), t1 - t0)
            if response.status == .ok, let status = Self.status(String(buffer: body)) {
                reading.platformStatus = status
                reading.failure = nil
            } else if reading.platformStatus == nil {
                reading.failure = "platform/status answered \(response.status.code): \(String(buffer: body).prefix(120))"
            }
            if let header = response.headers.first(name: "date"), let stamp = Self.parseDate(header) {
                reading.narrow(low: stamp - t1, high: stamp + 1999 - t0)
            }
        }
        return reading
    }

    /// Intersects the offset interval with `[low, high]` (a disjoint probe replaces it: clocks
    /// that jumped between probes make the older evidence void).
    mutating func narrow(low: Int64, high: Int64) {
        guard let oldLow = offsetLowMillis, let oldHigh = offsetHighMillis, max(oldLow, low) <= min(oldHigh, high) else {
            offsetLowMillis = low
            offsetHighMillis = high
            return
        }
        offsetLowMillis = max(oldLow, low)
        offsetHighMillis = min(oldHigh, high)
    }

    /// `[1]` or `[0]` → the status.
    static func status(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("["), trimmed.hasSuffix("]") else { return nil }
        return Int(trimmed.dropFirst().dropLast().split(separator: ",").first?.trimmingCharacters(in: .whitespaces) ?? "")
    }

    /// An RFC 1123 HTTP date (`Thu, 03 Dec 2026 02:45:56 GMT`) in milliseconds since the epoch.
    static func parseDate(_ text: String) -> Int64? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
