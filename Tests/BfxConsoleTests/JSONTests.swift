import Testing
import BfxConsole

@Suite struct JSONTests {
    @Test func roundTripKeepsKeyOrderAndNumberText() throws {
        let text = #"{"z":1,"a":[0.0000007,-1.5e-8,true,null,"x\"y\n"],"m":{}}"#
        let value = try JSONParser.parse(text)
        #expect(JSONWriter.compact(value) == text)
        #expect(value["a"] == .array([.number("0.0000007"), .number("-1.5e-8"), .bool(true), .null, .string("x\"y\n")]))
    }

    @Test func unicodeEscapesAndSurrogates() throws {
        #expect(try JSONParser.parse(#""\u00e9\ud83d\ude00""#) == .string("é😀"))
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#""\ud83d""#) }
    }

    @Test func rejectsMalformedDocuments() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "nul", "[1] x", "\"a\u{1}\"", "{'a':1}"] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSONParser.parse(bad) }
        }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONParser.parse(ok)) != nil)
    }

    @Test func writerEscapesControlCharacters() {
        #expect(JSONWriter.quoted("a\u{1B}b\u{7F}") == #""a\u001bb\u007f""#)
        #expect(JSONWriter.pretty(.object([ConsoleField("a", .array([.int(1)]))])) == "{\n  \"a\": [\n    1\n  ]\n}")
    }
}
