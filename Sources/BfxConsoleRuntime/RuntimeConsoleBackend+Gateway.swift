import BfxConsole
import BfxRuntime

extension RuntimeConsoleBackend {
    /// Local clients of the runtime's gateway.
    public func gatewayClients() async throws -> [ConsoleGatewayClient] {
        guard let gateway = await runtime.gatewaySnapshot() else {
            throw ConsoleBackendError.unsupported("no gateway: this configuration has no `gateway:` section (docs/gateway.md)")
        }
        return gateway.state.clients.map {
            ConsoleGatewayClient(id: $0.id, remote: $0.remote, channels: $0.channels, framesOut: $0.framesOut,
                                 dropped: $0.dropped, queued: $0.queued, lagMilliseconds: $0.lagMillis, errors: $0.errors)
        }
    }

    /// Closes a local gateway client.
    public func kickGatewayClient(id: Int) async throws {
        guard await runtime.gatewaySnapshot() != nil else {
            throw ConsoleBackendError.unsupported("no gateway: this configuration has no `gateway:` section (docs/gateway.md)")
        }
        guard await runtime.kickGatewayClient(id) else { throw ConsoleBackendError.rejected("no gateway client \(id)") }
    }

    /// The gateway's signed-call audit log.
    public func gatewayLog(limit: Int) async throws -> [ConsoleGatewayCall] {
        guard await runtime.gatewaySnapshot() != nil else {
            throw ConsoleBackendError.unsupported("no gateway: this configuration has no `gateway:` section (docs/gateway.md)")
        }
        return await runtime.gatewayAuditLog(limit: limit).map {
            ConsoleGatewayCall(atMillis: $0.atMillis, localKey: $0.localKey, account: $0.account, path: $0.path, upstreamNonce: $0.upstreamNonce,
                               status: $0.status, outcome: $0.outcome, latencyMilliseconds: $0.latencyMillis)
        }
    }
}
