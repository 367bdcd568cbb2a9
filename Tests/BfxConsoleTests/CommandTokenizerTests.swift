import Testing
import BfxConsole

@Suite struct CommandTokenizerTests {
    let tokenizer = CommandTokenizer()

    @Test func splitsWordsAndStatements() throws {
        #expect(try tokenizer.statements("book tBTCUSD 25") == [["book", "tBTCUSD", "25"]])
        #expect(try tokenizer.statements("  status ;connections;; channels  ") == [["status"], ["connections"], ["channels"]])
        #expect(try tokenizer.statements("") == [])
        #expect(try tokenizer.statements("   \t ") == [])
    }

    @Test func quotesAndEscapes() throws {
        #expect(try tokenizer.statements(#"order new tBTCUSD 1 --type "EXCHANGE LIMIT""#) == [["order", "new", "tBTCUSD", "1", "--type", "EXCHANGE LIMIT"]])
        #expect(try tokenizer.statements(#"a 'x;y "z"' b"#) == [["a", #"x;y "z""#, "b"]])
        #expect(try tokenizer.statements(#"a "q\"uo\\te\n\t\u0041""#) == [["a", "q\"uo\\te\n\tA"]])
        #expect(try tokenizer.statements(#"a\ b c\;d"#) == [["a b", "c;d"]])
        #expect(try tokenizer.statements(#"pre"fix"'ed'"#) == [["prefixed"]])
        #expect(try tokenizer.statements(#"a "" b"#) == [["a", "", "b"]])
    }

    @Test func rawJSONWordsNeedNoQuotes() throws {
        #expect(try tokenizer.statements(#"call POST auth/r/orders {"id":[1, 2], "s":"a b;}"} --priority high"#)
            == [["call", "POST", "auth/r/orders", #"{"id":[1, 2], "s":"a b;}"}"#, "--priority", "high"]])
        #expect(try tokenizer.statements(#"ws send [0,"calc",null,[["balance"]]]; status"#)
            == [["ws", "send", #"[0,"calc",null,[["balance"]]]"#], ["status"]])
        #expect(try tokenizer.statements(#"ws send '{"event":"ping"}'"#) == [["ws", "send", #"{"event":"ping"}"#]])
    }

    @Test func commentsRunToEndOfLine() throws {
        #expect(try tokenizer.statements("# a comment") == [])
        #expect(try tokenizer.statements("status # trailing; not a statement") == [["status"]])
        #expect(try tokenizer.statements("echo a#b") == [["echo", "a#b"]])
    }

    @Test func hostileInputGivesTypedErrors() {
        #expect(throws: TokenizerError.unterminatedQuote(quote: "\"", position: 5)) { try tokenizer.statements(#"book "tBTC"#) }
        #expect(throws: TokenizerError.unterminatedQuote(quote: "'", position: 2)) { try tokenizer.statements("a 'b") }
        #expect(throws: TokenizerError.trailingBackslash) { try tokenizer.statements("a b\\") }
        #expect(throws: TokenizerError.invalidEscape(position: 3)) { try tokenizer.statements(#"a "\q""#) }
        #expect(throws: TokenizerError.controlCharacter(position: 6, code: 0x1B)) { try tokenizer.statements("status\u{1B}[2J") }
        #expect(throws: TokenizerError.controlCharacter(position: 1, code: 0)) { try tokenizer.statements("a\u{0}b") }
        #expect(throws: TokenizerError.unbalancedJSON(position: 8)) { try tokenizer.statements(#"ws send {"a":[1,2}"#) }
        let small = CommandTokenizer(maxLineBytes: 16)
        #expect(throws: TokenizerError.lineTooLong(length: 17, limit: 16)) { try small.statements(String(repeating: "x", count: 17)) }
    }

    @Test func veryLongAndDeepInputDoesNotCrash() throws {
        let long = String(repeating: "a ", count: 30_000)
        #expect(try tokenizer.statements(long).first?.count == 30_000)
        let deep = String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
        #expect(try tokenizer.statements("ws send " + deep).first?.count == 3)
        #expect(throws: TokenizerError.self) { try tokenizer.statements(String(repeating: "\"", count: 1001)) }
    }

    @Test func completionStateIsLenient() {
        let simple = tokenizer.completionState("book tB")
        #expect(simple.words == ["book"])
        #expect(simple.partial == "tB")
        let (words, partial) = tokenizer.completionState("status; book ")
        #expect(words == ["book"])
        #expect(partial == "")
        let quoted = tokenizer.completionState(#"order new "tBT"#)
        #expect(quoted.words == ["order", "new"])
        #expect(quoted.partial == "tBT")
        let json = tokenizer.completionState(#"call POST auth/r/orders {"id":"#)
        #expect(json.words == ["call", "POST", "auth/r/orders"])
    }
}
