import BfxProtocol
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// Opens one WebSocket connection: TCP (plus TLS for `wss://`), HTTP/1.1 upgrade, then installs
/// the message pipeline supplied by the caller. The connect timeout covers all three steps.
struct WebSocketConnector: Sendable {
    /// Why an attempt failed (typed, with the endpoint for context).
    struct ConnectError: Error, CustomStringConvertible {
        let url: String
        let reason: String
        var description: String { "connect to \(url) failed: \(reason)" }
    }

    let maxMessageSize: Int
    let connectTimeout: Duration
    let tlsConfiguration: TLSConfiguration
    /// When set, every connection gets a ``FrameRecordingHandler`` (none otherwise: no cost).
    let recorder: FrameRecorder?

    init(maxMessageSize: Int, connectTimeout: Duration, tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
         recorder: FrameRecorder? = nil) {
        self.maxMessageSize = maxMessageSize
        self.connectTimeout = connectTimeout
        self.tlsConfiguration = tlsConfiguration
        self.recorder = recorder
    }

    /// Connects to `url` on `eventLoop`; `installHandlers` runs on the event loop right after the
    /// upgrade, with ``WebSocketFrameReader`` and ``WebSocketMessageHandler`` already in place.
    func connect(
        to url: WebSocketURL,
        on eventLoop: any EventLoop,
        installHandlers: @escaping @Sendable (any Channel) throws -> Void
    ) async throws -> any Channel {
        let sslContext: NIOSSLContext? = url.tls ? try NIOSSLContext(configuration: tlsConfiguration) : nil
        let maxMessageSize = self.maxMessageSize
        let recorder = self.recorder
        let urlText = url.description
        let timeoutMs = max(1, connectTimeout.millisecondsInt)
        let upgradeResult: EventLoopFuture<UpgradeResult>
        // Captured so a stuck upgrade can be aborted by closing the socket.
        let channelPromise = eventLoop.makePromise(of: (any Channel).self)
        do {
            upgradeResult = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(.milliseconds(timeoutMs))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                // Reads of up to 1 MiB (NIO's default adapts up to 64 KiB): a busy market-data
                // socket then costs fewer read syscalls and fewer read-complete cycles per message;
                // the allocator still shrinks back for quiet sockets.
                .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 16_384, maximum: 1 << 20))
                .connect(host: url.host, port: url.port) { channel in
                    channelPromise.succeed(channel)
                    return channel.eventLoop.makeCompletedFuture {
                        if let sslContext {
                            let tls = try NIOSSLClientHandler(context: sslContext, serverHostname: url.host.first?.isNumber == true ? nil : url.host)
                            try channel.pipeline.syncOperations.addHandler(tls)
                        }
                        let upgrader = FramingUpgrader<UpgradeResult>(
                            maxFrameSize: maxMessageSize,
                            upgradePipelineHandler: { channel, _ in
                                channel.eventLoop.makeCompletedFuture {
                                    if let recorder {
                                        try channel.pipeline.syncOperations.addHandler(FrameRecordingHandler(recorder: recorder, url: urlText))
                                    }
                                    try installHandlers(channel)
                                    return UpgradeResult.upgraded(channel)
                                }
                            }
                        )
                        var headers = HTTPHeaders()
                        headers.add(name: "Host", value: url.port == (url.tls ? 443 : 80) ? url.host : "\(url.host):\(url.port)")
                        headers.add(name: "Content-Length", value: "0")
                        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: url.path, headers: headers)
                        let configuration = NIOTypedHTTPClientUpgradeConfiguration<UpgradeResult>(
                            upgradeRequestHead: head,
                            upgraders: [upgrader],
                            notUpgradingCompletionHandler: { channel in
                                channel.eventLoop.makeCompletedFuture { UpgradeResult.notUpgraded(channel) }
                            }
                        )
                        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
                        // Bitfinex (and the simulator) send `info` right after the 101 response,
                        // often in the same TCP segment: those bytes must reach the WebSocket
                        // decoder, not be dropped (the NIO default).
                        pipeline.leftOverBytesStrategy = .forwardBytes
                        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                            configuration: pipeline
                        )
                    }
                }
        } catch {
            channelPromise.fail(error)
            throw ConnectError(url: url.description, reason: "\(error)")
        }
        // Bound the upgrade itself too (a server that accepts TCP but never answers): closing the
        // socket fails the upgrade future.
        let timeout = eventLoop.scheduleTask(in: .milliseconds(timeoutMs)) {
            channelPromise.futureResult.whenSuccess { $0.close(promise: nil) }
        }
        let result: UpgradeResult
        do {
            result = try await upgradeResult.get()
            timeout.cancel()
        } catch {
            timeout.cancel()
            throw ConnectError(url: url.description, reason: "upgrade failed: \(error)")
        }
        switch result {
        case .upgraded(let channel):
            return channel
        case .notUpgraded(let channel):
            channel.close(promise: nil)
            throw ConnectError(url: url.description, reason: "server refused the WebSocket upgrade")
        }
    }

    private enum UpgradeResult: Sendable {
        case upgraded(any Channel)
        case notUpgraded(any Channel)
    }
}

/// NIO's typed WebSocket client upgrader for the handshake (request key, `Sec-WebSocket-Accept`
/// check), with our own inbound framing after the upgrade: NIO's `WebSocketFrameEncoder` for
/// outbound frames, then ``WebSocketFrameReader`` and ``WebSocketMessageHandler`` (outbound half)
/// instead of NIO's frame decoder + aggregator (ADR 0017). Installing them here, in one step,
/// means no WebSocket byte (not even `info` sharing the 101's TCP segment) meets NIO's decoder.
private struct FramingUpgrader<UpgradeResult: Sendable>: NIOTypedHTTPClientProtocolUpgrader {
    private let handshake: NIOTypedWebSocketClientUpgrader<UpgradeResult>
    private let maxFrameSize: Int
    private let upgradePipelineHandler: @Sendable (any Channel, HTTPResponseHead) -> EventLoopFuture<UpgradeResult>

    init(maxFrameSize: Int, upgradePipelineHandler: @escaping @Sendable (any Channel, HTTPResponseHead) -> EventLoopFuture<UpgradeResult>) {
        self.maxFrameSize = maxFrameSize
        self.upgradePipelineHandler = upgradePipelineHandler
        // only its handshake half is used; its pipeline handler never runs
        self.handshake = NIOTypedWebSocketClientUpgrader(maxFrameSize: maxFrameSize, upgradePipelineHandler: upgradePipelineHandler)
    }

    var supportedProtocol: String { handshake.supportedProtocol }
    var requiredUpgradeHeaders: [String] { handshake.requiredUpgradeHeaders }
    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) { handshake.addCustom(upgradeRequestHeaders: &upgradeRequestHeaders) }
    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool { handshake.shouldAllowUpgrade(upgradeResponse: upgradeResponse) }

    func upgrade(channel: any Channel, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<UpgradeResult> {
        let maxFrameSize = self.maxFrameSize
        return channel.eventLoop.makeCompletedFuture {
            let sync = channel.pipeline.syncOperations
            try sync.addHandler(WebSocketFrameEncoder())
            try sync.addHandler(WebSocketFrameReader(maxFrameSize: maxFrameSize, maxMessageSize: maxFrameSize))
            try sync.addHandler(WebSocketMessageHandler(parsesInbound: false))
        }.flatMap { upgradePipelineHandler(channel, upgradeResponse) }
    }
}
