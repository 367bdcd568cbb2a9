/// Renders the prompt, e.g. `bfx[sim ✓ 3/3 conn]> ` or `bfx[live ✗ 1/2 conn !1]> `.
package enum ConsolePrompt {
    /// The prompt for `health`; `unicode: false` uses ASCII marks for non-UTF-8 terminals.
    package static func render(_ health: ConsoleHealth, unicode: Bool) -> String {
        let allUp = health.connectionsTotal > 0 && health.connectionsUp == health.connectionsTotal
        let mark = unicode ? (allUp ? "✓" : "✗") : (allUp ? "ok" : "!!")
        var text = "bfx[\(TerminalText.sanitized(health.label)) \(mark) \(health.connectionsUp)/\(health.connectionsTotal) conn"
        if health.alertsFiring > 0 {
            text += " !\(health.alertsFiring)"
        }
        return text + "]> "
    }
}
