import Testing
@testable import BfxProtocol

@Suite("SequenceAuditor")
struct SequenceAuditorTests {
    @Test func publicSequence() {
        var a = SequenceAuditor()
        #expect(a.observePublic(10) == .first)
        #expect(a.observePublic(11) == .inOrder)
        #expect(a.observePublic(14) == .gap(expected: 12, received: 14))
        #expect(a.observePublic(14) == .duplicate(last: 14, received: 14))
        #expect(a.observePublic(15) == .inOrder)
        #expect(a.gapCount == 1 && a.duplicateCount == 1)
        a.reset()
        #expect(a.observePublic(1) == .first)
    }

    @Test func authSequence() {
        var a = SequenceAuditor()
        #expect(a.observeAuth(0) == .ignored)
        #expect(a.observeAuth(5) == .first)
        #expect(a.observeAuth(5, isNotification: true) == .ignored)
        #expect(a.observeAuth(6) == .inOrder)
        #expect(a.observeAuth(8) == .gap(expected: 7, received: 8))
        #expect(a.observeAuth(3) == .duplicate(last: 8, received: 3))
    }

    @Test func framesFromTheDecoder() throws {
        var d = FrameDecoder()
        d.register(chanId: 1, kind: .book(funding: false))
        var a = SequenceAuditor()
        #expect(a.observe(try d.decode("[1,[]]")) == .ignored)  // no seq
        #expect(a.observe(try d.decode("[1,\"hb\",1]")) == .first)
        #expect(a.observe(try d.decode("[1,[1,1,1],2]")) == .inOrder)
        #expect(a.observe(try d.decode("[1,\"cs\",5,3]")) == .inOrder)
        #expect(a.observe(try d.decode(#"[0,"wu",["exchange","BTC",1,0,null,null,null],4,1]"#)) == .inOrder)
        #expect(a.observe(try d.decode(#"[0,"n",[1,"on-req",null,null,null,null,"SUCCESS","x"],1]"#)) == .ignored)
        #expect(a.observe(try d.decode("[1,[1,1,1],6]")) == .gap(expected: 5, received: 6))
    }
}
