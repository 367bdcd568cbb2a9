import Foundation
import Testing
@testable import BfxRuntime

@Suite struct ExamplesAndDocsTests {
    static let env = ["BFX_API_KEY": "test-key", "BFX_API_SECRET": "test-secret", "BFX_NONCE_PG_URL": "postgres://bfx:pw@127.0.0.1:5432/bfx"]

    static var exampleFiles: [URL] {
        let dir = TestSupport.packageRoot.appendingPathComponent("examples")
        let files = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path }
    }

    @Test func everyExampleIsValid() throws {
        let files = Self.exampleFiles
        #expect(files.count >= 5)
        for name in ["quickstart", "live-public", "user-data", "nonce-postgres", "fault-drill"] {
            #expect(files.contains { $0.lastPathComponent == "\(name).yaml" }, "examples/\(name).yaml missing")
        }
        for file in files {
            do {
                let loaded = try ConfigLoader.load(path: file.path, environment: Self.env)
                #expect(!loaded.maskedYAML.contains("test-secret"), "\(file.lastPathComponent) leaks a secret")
            } catch {
                Issue.record("\(file.lastPathComponent): \(error)")
            }
        }
    }

    @Test func credentialExamplesFailWithoutEnvironment() {
        let file = TestSupport.packageRoot.appendingPathComponent("examples/user-data.yaml")
        do {
            _ = try ConfigLoader.load(path: file.path, environment: [:])
            Issue.record("expected missing env errors")
        } catch {
            #expect(error.issues.filter { $0.kind == .missingEnv }.count == 2)
            #expect(error.issues.allSatisfy { $0.line > 0 })
        }
    }

    /// A config touching every section and list element kind, so every schema key is visited.
    static let kitchenSink = """
    version: 1
    endpoint: {ws_public: "ws://127.0.0.1:1/ws/2", ws_auth: "ws://127.0.0.1:1/ws/2", rest_public: "http://127.0.0.1:1", rest_auth: "http://127.0.0.1:1"}
    keys:
      - {name: k, api_key: "${BFX_API_KEY}", api_secret: "${BFX_API_SECRET}", dead_man_switch: true,
         nonce_store: {kind: file, path: /tmp/x, url: "postgres://a@b/c"}}
    connections:
      - {name: c, key: k, channels: [{channel: book, symbol: tBTCUSD, prec: P0, freq: F0, len: 25, key: "x"}]}
    nonce: {classes: [{name: critical, limit: 1, deadline: 1s}], aging: 1s, history_size: 10, map: {}}
    alerts: [{name: a, kind: reconnects, threshold: 1, window: 1s, clear: 0, clear_after: 1s, actions: [log], webhook_url: "http://x", exit_code: 5}]
    simulator: {faults: [{at: 1s, fault: drop, duration: 1s, count: 1, symbol: tBTCUSD}]}
    startup: [{method: GET, path: x, body: "{}", key: k, priority: critical, every: 1s, count: 1}]
    """

    @Test func everySchemaKeyIsDocumented() throws {
        let reader = ConfigReader(file: "sink", environment: Self.env, root: nil)
        let root = try Yams_compose(Self.kitchenSink)
        _ = ConfigDecoder(reader: reader).decodeRoot(root)
        let paths = reader.knownPaths
        #expect(paths.count > 60)
        let doc = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let missing = paths.filter { !doc.contains("`\($0)`") }.sorted()
        #expect(missing.isEmpty, "undocumented keys in docs/configuration.md: \(missing.joined(separator: ", "))")
    }
}
