import Foundation
import Testing
@testable import BfxProtocol

/// Locates the shared fixtures: env BFX_SHARED_DIR, else a sibling `shared/fixtures` found by
/// walking up from this file.
enum Fixtures {
    static let directory: URL? = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["BFX_SHARED_DIR"], !env.isEmpty {
            let url = URL(fileURLWithPath: env).appendingPathComponent("fixtures")
            if fm.fileExists(atPath: url.path) { return url }
        }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<8 {
            let candidate = dir.appendingPathComponent("shared/fixtures")
            if fm.fileExists(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    static let isCI: Bool = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false

    /// Run fixture tests when present, and always under CI (where absence is a failure).
    static let shouldRun: Bool = directory != nil || isCI

    static func load(_ name: String) throws -> JSONValue {
        guard let dir = directory else {
            Issue.record("shared fixtures not found (set BFX_SHARED_DIR); required under CI")
            throw FixtureMissing()
        }
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        return try JSONValue.parse([UInt8](data))
    }

    struct FixtureMissing: Error {}
}
