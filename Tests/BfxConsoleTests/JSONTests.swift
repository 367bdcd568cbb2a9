import BfxProtocol
import Testing
import BfxConsole

/// Console-specific JSON behaviour on top of BfxProtocol's `JSONValue` (the grammar itself is
/// tested in BfxProtocolTests).
@Suite struct JSONTests {
    @Test func terminalTextKeepsKeyOrderAndNumberText() throws {
        let text = #"{"z":1,"a":[0.0000007,-1.5e-8,true,null,"x\"y\n"],"m":{}}"#
        let value = try JSONValue.parseConsole(text)
        #expect(value.compactText == text)
        #expect(value["a"] == .array([.decimal("0.0000007"), .decimal("-1.5e-8"), .bool(true), .null, .string("x\"y\n")]))
    }

    @Test func nestingLimitIsTheConsoleOne() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: FrameDecodingError.self) { try JSONValue.parseConsole(deep) }
        // Deeper than the wire default (64) but within the console limit (128).
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONValue.parseConsole(ok)) != nil)
    }

    /// What `call` and `ws send` reject before anything reaches the runtime (BfxProtocolTests has
    /// no table of malformed documents for `JSONValue.parse`, so the console keeps its contract here).
    @Test func hostileInputGivesTypedErrors() throws {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "nul", "[1] x", "\"a\u{1}\"", "{'a':1}", #""\ud83d""#] {
            #expect(throws: FrameDecodingError.self, "\(bad)") { try JSONValue.parseConsole(bad) }
        }
        #expect(try JSONValue.parseConsole(#""\u00e9\ud83d\ude00""#) == .string("é😀"))
    }

    @Test func parseErrorsAreTypedAndDoNotEchoInput() {
        do {
            _ = try JSONValue.parseConsole("[1,\u{1B}]")
            Issue.record("expected an error")
        } catch {
            #expect(error.offset == 3)
            #expect(error.consoleMessage.hasPrefix("invalid JSON at byte 3: "))
            #expect(!error.consoleMessage.contains("\u{1B}"))
        }
    }

    @Test func writerEscapesTerminalControlCharacters() {
        #expect(JSONValue.quotedText("a\u{1B}b\u{7F}c\u{9B}\u{2028}\u{08}") == #""a\u001bb\u007fc\u009b\u2028\b""#)
        #expect(JSONValue.fields([JSONObject.Member("a", .array([.int(1)]))]).prettyText == "{\n  \"a\": [\n    1\n  ]\n}")
        #expect(JSONValue.fields([]).prettyText == "{}")
    }

    @Test func numberHelpersKeepExactText() {
        #expect(JSONValue.int(UInt64.max) == .decimal("18446744073709551615"))
        #expect(JSONValue.double(42.5) == .decimal("42.5"))
        #expect(JSONValue.double(3) == .decimal("3"))
        #expect(JSONValue.double(.nan) == .null)
        #expect(JSONValue.decimal("not-a-number") == .string("not-a-number"))
        #expect(JSONValue.decimal("0.1").isNumber)
        #expect(JSONValue.decimal("0.0000007").cellText == "0.0000007")
    }
}
