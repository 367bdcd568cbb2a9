import Foundation
import Testing
import Yams
@testable import BfxRuntime

/// Bad input stays cheap: a size limit checked before parsing, and at most
/// `ConfigLoader.maxReportedIssues` problems described, the rest only counted.
@Suite struct ConfigLimitsTests {
    static func temporaryFile(_ text: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bfx-limits-\(UUID().uuidString).yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// As many unknown keys as fit in `maxFileSize` bytes (`u000000: 0` lines, 11 bytes each).
    static func unknownKeysJustUnderTheLimit() -> (text: String, keys: Int) {
        let line = 11
        let keys = ConfigLoader.maxFileSize / line
        var text = ""
        text.reserveCapacity(keys * line)
        for index in 0..<keys { text += "u\(String(index + 1_000_000).dropFirst()): 0\n" }
        return (text, keys)
    }

    @Test func aFileJustUnderTheLimitWithOnlyUnknownKeysReportsTheFirst50AndCountsTheRest() throws {
        let (text, keys) = Self.unknownKeysJustUnderTheLimit()
        #expect(text.utf8.count <= ConfigLoader.maxFileSize)
        #expect(text.utf8.count > ConfigLoader.maxFileSize - 11)
        #expect(keys > 95_000)
        let file = try Self.temporaryFile(text)
        defer { try? FileManager.default.removeItem(at: file) }

        do {
            _ = try ConfigLoader.load(path: file.path, environment: [:])
            Issue.record("a file of unknown keys loaded")
        } catch {
            guard case .tooManyIssues(let first, let total) = error else { Issue.record("wrong error \(error)"); return }
            #expect(total == keys)
            #expect(error.issueCount == keys)
            #expect(first.count == ConfigLoader.maxReportedIssues)
            #expect(error.issues.count == ConfigLoader.maxReportedIssues)
            // The earliest problems by position, each with its position and a hint.
            #expect(first.map(\.line) == Array(1...ConfigLoader.maxReportedIssues))
            #expect(first.allSatisfy { $0.kind == .unknownKey && $0.column == 1 && $0.hint != nil })
            #expect(first.first?.path == "u000000")

            let lines = error.description.split(separator: "\n")
            #expect(lines.filter { $0.contains(": error: ") }.count == ConfigLoader.maxReportedIssues)
            #expect(lines.count == ConfigLoader.maxReportedIssues + 2)
            #expect(lines.dropLast().last == "… and \(keys - ConfigLoader.maxReportedIssues) more errors (not shown)")
            #expect(lines.last == "\(keys) errors in configuration")
        }
    }

    @Test func aFileOverTheLimitIsRefusedBeforeParsing() throws {
        // Unbalanced brackets: had it been parsed, this would be a syntax error.
        let text = String(repeating: "[", count: ConfigLoader.maxFileSize + 1)
        let file = try Self.temporaryFile(text)
        defer { try? FileManager.default.removeItem(at: file) }

        do {
            _ = try ConfigLoader.load(path: file.path, environment: [:])
            Issue.record("an oversized file loaded")
        } catch {
            guard case .tooLarge(let name, let size, let limit) = error else { Issue.record("wrong error \(error)"); return }
            #expect(name == file.path)
            #expect(size == ConfigLoader.maxFileSize + 1)
            #expect(limit == ConfigLoader.maxFileSize)
            #expect(error.description == "\(file.path): error: configuration file is 1 MiB (1048577 bytes); the limit is 1 MiB (1048576 bytes), checked before parsing")
            #expect(error.issueCount == 1)
        }
    }

    @Test func theLimitIsInTheMessageInReadableUnits() {
        let error = ConfigError.tooLarge(file: "config.yaml", size: 4_800_000, limit: 1 << 20)
        #expect(error.description == "config.yaml: error: configuration file is 4.6 MiB (4800000 bytes); the limit is 1 MiB (1048576 bytes), checked before parsing")
        let unknownSize = ConfigError.tooLarge(file: "-", size: nil, limit: 1 << 20)
        #expect(unknownSize.description == "-: error: configuration file is larger than 1 MiB; the limit is 1 MiB (1048576 bytes), checked before parsing")
        #expect(ConfigError.formatBytes(1) == "1 byte")
        #expect(ConfigError.formatBytes(1023) == "1023 bytes")
        #expect(ConfigError.formatBytes(1536) == "1.5 KiB")
        #expect(ConfigError.formatBytes(3 << 30) == "3 GiB")
    }

    @Test func textOverTheLimitIsRefusedToo() {
        let text = "# " + String(repeating: "x", count: ConfigLoader.maxFileSize) + "\n"
        #expect {
            _ = try ConfigLoader.load(yaml: text, file: "big.yaml", environment: [:])
        } throws: { error in
            guard let error = error as? ConfigError, case .tooLarge(let file, let size, _) = error else { return false }
            return file == "big.yaml" && size == text.utf8.count
        }
    }

    @Test func aValidConfigOfExactlyTheLimitLoads() throws {
        let head = "version: 1\n"
        let text = head + "#" + String(repeating: "x", count: ConfigLoader.maxFileSize - head.utf8.count - 2) + "\n"
        #expect(text.utf8.count == ConfigLoader.maxFileSize)
        let file = try Self.temporaryFile(text)
        defer { try? FileManager.default.removeItem(at: file) }
        let loaded = try ConfigLoader.load(path: file.path, environment: [:])
        #expect(loaded.config == RuntimeConfig())
    }

    @Test func aFewProblemsAreStillAllReportedAsInvalid() {
        let yaml = (0..<ConfigLoader.maxReportedIssues).map { "bogus\($0): 1" }.joined(separator: "\n")
        do {
            _ = try ConfigLoader.load(yaml: yaml, file: "few.yaml", environment: [:])
            Issue.record("loaded")
        } catch {
            guard case .invalid(let issues) = error else { Issue.record("wrong error \(error)"); return }
            #expect(issues.count == ConfigLoader.maxReportedIssues)
            #expect(error.issueCount == ConfigLoader.maxReportedIssues)
            #expect(!error.description.contains("not shown"))
            #expect(error.description.hasSuffix("\n\(ConfigLoader.maxReportedIssues) errors in configuration"))
        }
    }

    @Test func problemsBeyondTheCapAreOnlyCountedAndTheEarliestAreKept() throws {
        // Nodes with real positions: line N holds key kN.
        let root = try #require(try Yams.compose(yaml: (1...9).map { "k\($0): 0" }.joined(separator: "\n")))
        let keyNodes = try #require(root.mapping).map(\.key)
        let reader = ConfigReader(file: "t.yaml", environment: [:], root: root, issueLimit: 3)
        var evaluated: [Int] = []
        func message(_ line: Int) -> String {
            evaluated.append(line)
            return "problem on line \(line)"
        }
        // Reported out of order, as a decoder does when it checks a nested section before the root.
        for line in [5, 6, 7, 8, 2, 3, 4, 1, 9] {
            reader.report(keyNodes[line - 1], .root.key("k\(line)"), .invalidValue, message(line))
        }
        #expect(reader.issueCount == 9)
        #expect(reader.issues.map(\.line) == [1, 2, 3])
        #expect(reader.issues.map(\.message) == ["problem on line 1", "problem on line 2", "problem on line 3"])
        // 8 (after 5, 6, 7 filled the cap) and 9 (after 1, 2, 3) came after every kept problem:
        // only counted, their message never built. Earlier ones replaced the last kept one.
        #expect(evaluated == [5, 6, 7, 2, 3, 4, 1])
    }

    @Test func keptUnknownKeysStillGetADidYouMean() throws {
        // 60 near-misses of `version`: the 50 kept ones carry their did-you-mean.
        let yaml = (0..<60).map { "versio\($0): 1" }.joined(separator: "\n")
        do {
            _ = try ConfigLoader.load(yaml: yaml, file: "near.yaml", environment: [:])
            Issue.record("loaded")
        } catch {
            #expect(error.issueCount == 60)
            #expect(error.issues.count == ConfigLoader.maxReportedIssues)
            #expect(error.issues.allSatisfy { $0.hint == "did you mean 'version'?" })
        }
    }

    @Test func manyDuplicateKeysGiveABoundedMessage() {
        let yaml = (0..<200).map { "d\($0): 1\nd\($0): 2" }.joined(separator: "\n")
        do {
            _ = try ConfigLoader.load(yaml: yaml, file: "dup.yaml", environment: [:])
            Issue.record("loaded")
        } catch {
            guard case .syntax(_, _, _, let message) = error else { Issue.record("wrong error \(error)"); return }
            #expect(message.hasPrefix("duplicate keys: "))
            #expect(message.hasSuffix(" … and 150 more"))
        }
    }

    @Test func reloadRefusesAnOversizedFileAndKeepsTheRunningConfig() async throws {
        let file = try Self.temporaryFile("version: 1\n" + String(repeating: "# padding\n", count: ConfigLoader.maxFileSize / 10))
        defer { try? FileManager.default.removeItem(at: file) }
        var config = RuntimeConfig()
        config.logging.level = .error
        let runtime = Runtime(config: config, options: RuntimeOptions(logger: TestSupport.quietLogger, environment: [:],
                                                                      configPath: file.path, serveHTTP: false))
        await #expect {
            try await runtime.reload()
        } throws: { error in
            guard let error = error as? ConfigError, case .tooLarge = error else { return false }
            return true
        }
        #expect(await runtime.config == config)
    }
}
