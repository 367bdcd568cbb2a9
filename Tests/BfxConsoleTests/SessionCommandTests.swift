import BfxProtocol
import Foundation
import Testing
import BfxConsole

@Suite struct SessionCommandTests {
    @Test func formatSwitchesDefaultOutput() async throws {
        let harness = ConsoleHarness()
        #expect((await harness.run("format")).out == "table\n")
        #expect((await harness.run("format json")).out == "")
        #expect(await harness.session.format == .json)
        let json = await harness.run("status")
        #expect(json.out.hasPrefix("{\n  \"endpoint\""))
        #expect((await harness.run("status --table")).out.hasPrefix("endpoint "))
        #expect((await harness.run("format plain")).status == 0)
        #expect((await harness.run("connections")).out.hasPrefix("id\tkind\tstate\turl\tchannels\treconnects\tmessages\tlast_msg_age_s\npublic-1\tpublic\t"))
        #expect((await harness.run("format yaml")).status == 2)
    }

    @Test func logLevel() async throws {
        let harness = ConsoleHarness()
        #expect((await harness.run("log level")).out == "info\n")
        #expect((await harness.run("log level DEBUG")).out == "log level set to debug\n")
        #expect(await harness.backend.logLevel == "debug")
        #expect(try await harness.json("log level") == .fields([JSONObject.Member("log_level", "debug")]))
        #expect((await harness.run("log level loud")).status == 2)
        #expect((await harness.run("log verbosity")).status == 2)
    }

    @Test func dumpContainsNoSecrets() async throws {
        let harness = ConsoleHarness()
        let result = await harness.run("dump")
        #expect(result.status == 0)
        #expect(!result.out.contains(FakeConsoleBackend.apiKey))
        #expect(!result.out.contains(FakeConsoleBackend.apiSecret))
        let bundle = try JSONValue.parseConsole(result.out)
        #expect(bundle["bfxkit_version"] == .string("9.9.9-test"))
        #expect(bundle["generated_at_ms"] == .decimal("1700000000000"))
        #expect(bundle["config"]?["credentials"]?["api_secret"] == .string("***"))
        #expect(bundle["events"] == .array([.string("auth ok with key ***")]))
        for section in ["config", "state", "metrics", "events", "nonce_history"] {
            #expect(bundle[section] != nil, "missing \(section)")
        }
    }

    @Test func dumpToFileIsPrivateAndScrubbed() async throws {
        let harness = ConsoleHarness()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bfx-dump-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = await harness.run("dump \(path)")
        #expect(result.out.hasPrefix("wrote diagnostics bundle to \(path)"))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(FakeConsoleBackend.apiSecret) && !text.contains(FakeConsoleBackend.apiKey))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let bad = await harness.run("dump /nonexistent-dir/x.json")
        #expect(bad.status == 1)
    }

    @Test func configShowsMaskedKeys() async throws {
        let harness = ConsoleHarness()
        let whole = await harness.run("config")
        #expect(!whole.out.contains(FakeConsoleBackend.apiSecret))
        #expect(try await harness.json("config nonce.queue") == .fields([JSONObject.Member("depth", .decimal("100"))]))
        #expect((await harness.run("config nonce.nope")).status == 1)
    }

    @Test func quitStopsTheRestOfTheLine() async {
        let harness = ConsoleHarness()
        let result = await harness.run("quit; status")
        #expect(result.status == 0)
        #expect(result.out == "")
        #expect(await harness.session.quitRequested)
    }

    @Test func redactorMasksSecretKeysAndValues() {
        let redactor = DiagnosticsRedactor(secrets: ["s3cr3t-value", "ab"])
        let value = JSONValue.fields([
            JSONObject.Member("apiSecret", "anything"), JSONObject.Member("password", .null), JSONObject.Member("note", "x s3cr3t-value y"),
            JSONObject.Member("list", .array(["s3cr3t-value"])), JSONObject.Member("short", "ab"),
        ])
        #expect(redactor.redact(value) == .fields([
            JSONObject.Member("apiSecret", "***"), JSONObject.Member("password", .null), JSONObject.Member("note", "x *** y"),
            JSONObject.Member("list", .array(["***"])), JSONObject.Member("short", "ab"),
        ]))
    }
}
