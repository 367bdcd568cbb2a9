import BfxSimulator
import Testing
@testable import BfxRuntime

/// `simulator.variants`: names and values of `ProtocolVariants` reach the configuration; an
/// unknown value or name is a typed issue at its path (docs/adr/0028).
@Suite struct SimulatorVariantsConfigTests {
    @Test func variantsReachTheConfiguration() throws {
        let yaml = """
        simulator:
          variants: {error_echo: none, conf: merge, auth_failure_status: FAIL}
        """
        let config = try ConfigLoader.load(yaml: yaml, file: "v.yaml", environment: [:]).config
        #expect(config.simulator.variants == ["error_echo": "none", "conf": "merge", "auth_failure_status": "FAIL"])
        var variants = ProtocolVariants()
        for (name, value) in config.simulator.variants { try variants.set(name, value) }
        #expect(variants.errorEcho == .none && variants.conf == .merge && variants.authFailureStatus == .fail)
    }

    @Test func unknownValuesAndNamesAreIssues() throws {
        let yaml = """
        simulator:
          variants:
            conf: sometimes
            bulk: always
        """
        do {
            _ = try ConfigLoader.load(yaml: yaml, file: "bad.yaml", environment: [:])
            Issue.record("expected failure")
        } catch {
            guard case .invalid(let issues) = error else { Issue.record("wrong error \(error)"); return }
            #expect(issues.contains { $0.path == "simulator.variants.conf" && $0.kind == .invalidValue })
            #expect(issues.contains { $0.path == "simulator.variants.bulk" })
        }
    }

    @Test func assignmentTextIsParsedOrRefused() throws {
        var variants = ProtocolVariants()
        try variants.set(assignment: "req_seq=both")
        #expect(variants.requestSequence == .both)
        #expect(throws: ProtocolVariants.UnknownVariant.self) { try variants.set(assignment: "req_seq") }
        #expect(throws: ProtocolVariants.UnknownVariant.self) { try variants.set(assignment: "nope=1") }
    }
}
