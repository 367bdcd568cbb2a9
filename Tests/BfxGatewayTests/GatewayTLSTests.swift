import AsyncHTTPClient
import BfxClient
import BfxProtocol
import BfxTestSupport
import Foundation
import NIOCore
import NIOSSL
import Testing
@testable import BfxGateway

extension GatewayIntegrationTests {
    /// Off-host serving needs TLS and local credentials; TLS itself is exercised on loopback.
    @Suite struct GatewayTLS {
        static let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }

        @Test func nonLoopbackNeedsTLSAndNoUpstreamPassThrough() async throws {
            var plain = GatewayConfiguration()
            plain.host = "10.20.30.40"
            #expect(plain.problems.contains { $0.contains("needs TLS") })
            var withTLS = plain
            withTLS.tlsCertificatePath = "/nonexistent/cert.pem"
            withTLS.tlsKeyPath = "/nonexistent/key.pem"
            #expect(withTLS.problems.isEmpty)
            var half = GatewayConfiguration()
            half.tlsCertificatePath = "cert.pem"
            #expect(half.problems.contains { $0.contains("both") })
            // refused before anything is bound: the real key's pass-through off-host, then a missing certificate
            try await GatewayFixture.with(account: true) { fx in
                let account = GatewayAccount(name: "main", rest: fx.rest, upstreamCredentials: GatewayFixture.Keys.upstream,
                                             acceptUpstreamCredentials: true, localKeys: [])
                await #expect(throws: Gateway.StartError.self) {
                    _ = try await Gateway.start(withTLS, upstream: fx.upstream, rest: fx.rest, accounts: [account])
                }
                var loopbackTLS = GatewayConfiguration()
                loopbackTLS.port = 0
                loopbackTLS.tlsCertificatePath = "/nonexistent/cert.pem"
                loopbackTLS.tlsKeyPath = "/nonexistent/key.pem"
                await #expect(throws: Gateway.StartError.self) {
                    _ = try await Gateway.start(loopbackTLS, upstream: fx.upstream, rest: fx.rest)
                }
            }
        }

        /// Runs where openssl exists, and always in CI (where a missing openssl fails the test).
        @Test(.enabled(if: openssl != nil || ProcessInfo.processInfo.environment["CI"] == "true",
                       "needs the openssl command to make a test certificate (skipped outside CI)"))
        func servesHTTPSWithACertificate() async throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bfx-gw-tls-\(UInt32.random(in: 0...UInt32.max))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let cert = dir.appendingPathComponent("cert.pem").path
            let key = dir.appendingPathComponent("key.pem").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(Self.openssl))
            process.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                                 "-subj", "/CN=127.0.0.1"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            try await GatewayFixture.with({ $0.tlsCertificatePath = cert; $0.tlsKeyPath = key }) { fx in
                #expect(fx.gateway.wsURL.hasPrefix("wss://"))
                #expect(fx.gateway.restURL.hasPrefix("https://"))
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.certificateVerification = .none
                let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
                var request = HTTPClientRequest(url: fx.gateway.restURL + "/v2/platform/status")
                request.method = .GET
                let response = try await client.execute(request, timeout: .seconds(10))
                let body = String(buffer: try await response.body.collect(upTo: 1 << 16))
                try await client.shutdown()
                #expect(response.status.code == 200)
                #expect(body == "[1]")
            }
        }
    }
}
