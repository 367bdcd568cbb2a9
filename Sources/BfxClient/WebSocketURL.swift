/// A parsed `ws://` or `wss://` endpoint URL (host, port, path, TLS).
struct WebSocketURL: Sendable, Hashable, CustomStringConvertible {
    /// Why a URL string was rejected.
    struct ParseError: Error, CustomStringConvertible {
        let url: String
        let problem: String
        var description: String { "invalid WebSocket URL '\(url)': \(problem) (expected ws://HOST[:PORT]/PATH or wss://…)" }
    }

    var tls: Bool
    var host: String
    var port: Int
    var path: String

    var description: String { "\(tls ? "wss" : "ws")://\(host):\(port)\(path)" }

    init(parsing text: String) throws(ParseError) {
        let rest: Substring
        if text.hasPrefix("wss://") {
            tls = true
            rest = text.dropFirst(6)
        } else if text.hasPrefix("ws://") {
            tls = false
            rest = text.dropFirst(5)
        } else {
            throw ParseError(url: text, problem: "scheme must be ws or wss")
        }
        let authority = rest.prefix { $0 != "/" }
        let pathPart = rest.dropFirst(authority.count)
        path = pathPart.isEmpty ? "/" : String(pathPart)
        var hostPart = Substring(authority)
        var portValue = tls ? 443 : 80
        if authority.hasPrefix("[") {
            // IPv6 literal: [::1]:port
            guard let close = authority.firstIndex(of: "]") else { throw ParseError(url: text, problem: "unterminated IPv6 literal") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { throw ParseError(url: text, problem: "bad port") }
                portValue = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else {
                throw ParseError(url: text, problem: "bad port")
            }
            portValue = p
        }
        guard !hostPart.isEmpty else { throw ParseError(url: text, problem: "missing host") }
        host = String(hostPart)
        port = portValue
    }
}
