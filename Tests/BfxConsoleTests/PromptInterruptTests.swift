import Testing
@testable import BfxConsole

/// Ctrl-C at the prompt (readline convention): the state machine behind libedit's input function.
@Suite struct PromptInterruptTests {
    @Test func ctrlCAbandonsTheLineBeingEdited() {
        var state = PromptInterrupt()
        state.beginLine()
        let r1 = state.next()
        #expect(r1 == .read)
        let r2 = state.interrupt()
        #expect(r2)
        // Cursor to the end, then `^C` and newline: libedit finishes the line.
        let r3 = state.next()
        #expect(r3 == .key(PromptInterrupt.endOfLineKey))
        let r4 = state.next()
        #expect(r4 == .echoThenKey("^C", PromptInterrupt.newlineKey))
        let r5 = state.next()
        #expect(r5 == .read)
        let r6 = state.endLine()
        #expect(r6, "the line must be reported abandoned (dropped, not executed)")
        // The next line is a normal one.
        state.beginLine()
        let r7 = state.next()
        #expect(r7 == .read)
        let r8 = state.endLine()
        #expect(!r8)
    }

    @Test func ctrlCOutsideAPromptOrTwiceIsIgnored() {
        var state = PromptInterrupt()
        let r9 = state.interrupt()
        #expect(!r9, "no line is being edited: nothing to wake")
        state.beginLine()
        let r10 = state.interrupt()
        #expect(r10)
        let r11 = state.interrupt()
        #expect(!r11, "a second Ctrl-C while the first is handled changes nothing")
        let r12 = state.next()
        #expect(r12 == .key(PromptInterrupt.endOfLineKey))
        let r13 = state.next()
        #expect(r13 == .echoThenKey("^C", PromptInterrupt.newlineKey))
        let r14 = state.interrupt()
        #expect(!r14, "the line is already abandoned")
        let r15 = state.endLine()
        #expect(r15)
        let r16 = state.interrupt()
        #expect(!r16)
    }

    @Test func utf8DecodingForLibedit() {
        func decode(_ bytes: [UInt8]) -> Int32 {
            var rest = bytes.dropFirst().makeIterator()
            return PromptInterrupt.decodeUTF8(first: bytes[0], next: { rest.next() })
        }
        #expect(decode(Array("a".utf8)) == 0x61)
        #expect(decode(Array("é".utf8)) == 0xE9)
        #expect(decode(Array("✓".utf8)) == 0x2713)
        #expect(decode(Array("🙂".utf8)) == 0x1F642)
        #expect(decode([0xFF]) == 0xFFFD)
        #expect(decode([0xC3]) == 0xFFFD, "truncated sequence")
        #expect(decode([0xE0, 0x80, 0x80]) == 0xFFFD, "overlong encoding")
        #expect(decode([0xED, 0xA0, 0x80]) == 0xFFFD, "surrogate")
    }
}
