import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Posts alert transitions as JSON to a webhook URL with AsyncHTTPClient.
package struct WebhookSender: Sendable {
    /// The JSON body posted for each transition.
    package struct Payload: Codable, Sendable {
        /// `fired` or `resolved`.
        package var event: String
        /// The alert state.
        package var alert: AlertView
        /// Identifies the sender.
        package var source: String
    }

    let client: HTTPClient
    let timeout: TimeAmount

    /// Creates a sender on an existing client.
    package init(client: HTTPClient = .shared, timeout: TimeAmount = .seconds(5)) {
        self.client = client
        self.timeout = timeout
    }

    /// Posts one transition; throws on transport errors or non-2xx status.
    package func send(_ transition: AlertTransition, to url: String) async throws {
        let payload = Payload(event: transition.change.rawValue, alert: transition.view, source: "bfxrun")
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "bfxrun-alerts")
        request.body = .bytes(ByteBuffer(bytes: try encoder.encode(payload)))
        let response = try await client.execute(request, timeout: timeout)
        guard (200..<300).contains(response.status.code) else {
            throw WebhookError(status: Int(response.status.code))
        }
    }
}

/// A webhook answered with a non-2xx status.
package struct WebhookError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status.
    package var status: Int
    /// `webhook answered HTTP <status>`, as logged when a webhook action fails.
    package var description: String { "webhook answered HTTP \(status)" }
}
