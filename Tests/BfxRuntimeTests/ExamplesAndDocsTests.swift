import BfxProtocol
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

    // MARK: troubleshooting.md covers every error code and every alert rule

    /// The lines of one `## heading` section of docs/troubleshooting.md (up to the next `## `).
    static func troubleshootingSection(_ heading: String) throws -> [Substring] {
        let text = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("docs/troubleshooting.md"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == "## \(heading)" }) else { return [] }
        let rest = lines[(start + 1)...]
        let end = rest.firstIndex(where: { $0.hasPrefix("## ") }) ?? rest.endIndex
        return Array(rest[..<end])
    }

    /// Table rows of a section as trimmed cells, header and separator rows dropped.
    static func tableRows(_ section: [Substring]) -> [[String]] {
        section.filter { $0.hasPrefix("|") && !$0.hasPrefix("|---") }.dropFirst().map { row in
            row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    /// Every `BfxErrorCode.allKnown` has exactly one row with its number, `name` and category, and the
    /// table lists no code the library does not know: the two lists are equal.
    @Test func troubleshootingCoversEveryErrorCode() throws {
        let rows = Self.tableRows(try Self.troubleshootingSection("Bitfinex error and info codes"))
        #expect(rows.count >= BfxErrorCode.allKnown.count)
        var documented: [Int: (name: String, category: String)] = [:]
        for row in rows where row.count >= 5 {
            guard let code = Int(row[0]) else {
                Issue.record("troubleshooting.md: error-code row with a non-numeric code: \(row)")
                continue
            }
            #expect(documented[code] == nil, "troubleshooting.md lists \(code) twice")
            documented[code] = (row[1].replacingOccurrences(of: "`", with: ""), row[2])
            #expect(!row[3].isEmpty && !row[4].isEmpty, "\(code): meaning and what to do must be filled in")
        }
        let known = Set(BfxErrorCode.allKnown.map(\.rawValue))
        let missing = known.subtracting(documented.keys).sorted()
        let unknown = Set(documented.keys).subtracting(known).sorted()
        #expect(missing.isEmpty, "codes missing from docs/troubleshooting.md: \(missing)")
        #expect(unknown.isEmpty, "docs/troubleshooting.md lists codes BfxErrorCode does not know: \(unknown)")
        for code in BfxErrorCode.allKnown {
            guard let doc = documented[code.rawValue] else { continue }
            #expect(doc.name == code.name, "\(code.rawValue): documented as \(doc.name), library says \(code.name)")
            #expect(doc.category == "\(code.category)", "\(code.rawValue): documented category \(doc.category), library says \(code.category)")
        }
        // The one error without a number (REST `{"error":"ERR_RATE_LIMIT"}`, BfxAPIError.isRateLimit).
        let text = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("docs/troubleshooting.md"), encoding: .utf8)
        #expect(text.contains("### ERR_RATE_LIMIT"), "troubleshooting.md needs its ERR_RATE_LIMIT section")
    }

    /// The alert table lists exactly `AlertRuleConfig.Kind.allCases`, and every action is explained.
    @Test func troubleshootingCoversEveryAlertRule() throws {
        let section = try Self.troubleshootingSection("Alert kinds")
        let rows = Self.tableRows(section)
        let documented = rows.compactMap { $0.first }.map { $0.replacingOccurrences(of: "`", with: "") }
        let kinds = AlertRuleConfig.Kind.allCases.map(\.rawValue)
        #expect(Set(documented).count == documented.count, "an alert kind is listed twice: \(documented)")
        #expect(Set(kinds).subtracting(documented).sorted().isEmpty,
                "alert kinds missing from docs/troubleshooting.md: \(Set(kinds).subtracting(documented).sorted())")
        #expect(Set(documented).subtracting(kinds).sorted().isEmpty,
                "docs/troubleshooting.md lists unknown alert kinds: \(Set(documented).subtracting(kinds).sorted())")
        for row in rows { #expect(row.count >= 4 && row.dropFirst().allSatisfy { !$0.isEmpty }, "incomplete alert row: \(row)") }
        let actionsLine = section.first { $0.hasPrefix("Actions:") } ?? ""
        for action in AlertRuleConfig.Action.allCases {
            #expect(actionsLine.contains("`\(action.rawValue)`"), "alert action `\(action.rawValue)` not explained in troubleshooting.md")
        }
    }

    /// docs/README.md is the index: it links every guide in docs/ and every ADR in docs/adr/.
    @Test func docsIndexLinksEveryPageAndADR() throws {
        let docs = TestSupport.packageRoot.appendingPathComponent("docs")
        let index = try String(contentsOf: docs.appendingPathComponent("README.md"), encoding: .utf8)
        let fm = FileManager.default
        let pages = try fm.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") && $0 != "README.md" }
        let adrs = try fm.contentsOfDirectory(atPath: docs.appendingPathComponent("adr").path).filter { $0.hasSuffix(".md") }
        #expect(pages.count >= 10 && adrs.count >= 10)
        let unlinked = pages.filter { !index.contains("(\($0))") } + adrs.filter { !index.contains("(adr/\($0))") }
        #expect(unlinked.isEmpty, "not linked from docs/README.md: \(unlinked.sorted())")
    }
}
