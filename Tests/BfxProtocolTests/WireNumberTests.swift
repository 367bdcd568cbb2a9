import Foundation
import Testing
@testable import BfxProtocol

@Suite("WireNumber and JSONValue")
struct WireNumberTests {
    @Test func keepsExactText() throws {
        for text in ["7e-7", "0.0000007", "1.7e-8", "6000", "6000.0", "-0.52759063", "1E+21", "0", "-0", "2567606289",
                     "-1.2345678901234567e-308", "0.0000012345678901234567"] {
            let n = try #require(WireNumber(text))
            #expect(n.text == text)
            #expect(n.count == text.utf8.count)
        }
        #expect(WireNumber("7e-7") != WireNumber("0.0000007"))
        #expect(WireNumber("7e-7")?.double == WireNumber("0.0000007")?.double)
    }

    @Test func rejectsInvalid() {
        for bad in ["", "-", "01", "1.", ".5", "1e", "+1", "0x10", "NaN", "1 ", " 1", "1.2.3", String(repeating: "9", count: 32)] {
            #expect(WireNumber(bad) == nil, "\(bad)")
        }
        #expect(WireNumber(String(repeating: "9", count: 31)) != nil)
    }

    @Test func accessors() throws {
        let n = try #require(WireNumber("-1234.5"))
        #expect(n.double == -1234.5 && n.int64 == nil && n.isNegative && !n.isZero)
        #expect(n.decimal == Decimal(string: "-1234.5"))
        #expect(WireNumber("9223372036854775807")?.int64 == Int64.max)
        #expect(WireNumber("-9223372036854775808")?.int64 == Int64.min)
        #expect(WireNumber("9223372036854775808")?.int64 == nil)
        #expect(WireNumber("7e-7")?.decimal == Decimal(string: "0.0000007"))
        #expect(WireNumber("0e5")?.isZero == true && WireNumber("0.000")?.isZero == true && WireNumber("1e-9")?.isZero == false)
        #expect(WireNumber("1e400")?.double == .infinity)
        #expect(WireNumber(Int64.min).text == "-9223372036854775808")
        #expect(WireNumber(0).text == "0")
    }

    @Test("double parsing matches the standard library", arguments: [
        "0.00008837", "1921.8", "7e-7", "1.7e-8", "-15699.9", "123456789012345678", "0.1", "3.141592653589793",
        "2.2250738585072014e-308", "1e22", "1e23", "9007199254740993", "0.30000000000000004", "-0.0", "5e-324",
    ])
    func doubles(text: String) throws {
        let n = try #require(WireNumber(text))
        #expect(n.double == Double(text))
    }

    @Test func javaScriptFormatting() {
        let cases: [(Double, String)] = [(6000, "6000"), (1.7e-8, "1.7e-8"), (7e-7, "7e-7"), (0.000001, "0.000001"), (1e21, "1e+21"),
                                         (1.2345678901234568e20, "123456789012345680000"), (-0.5, "-0.5"), (0.1, "0.1"), (1.5e300, "1.5e+300"),
                                         (0, "0"), (-2.5e-7, "-2.5e-7"), (1234.5678, "1234.5678")]
        for (d, s) in cases { #expect(WireNumber(d)?.text == s, "\(d)") }
        #expect(WireNumber(Double.nan) == nil && WireNumber(Double.infinity) == nil)
    }

    @Test func plainText() {
        let cases = [("7e-7", "0.0000007"), ("-1.5e3", "-1500"), ("1.25e1", "12.5"), ("1E+2", "100"), ("0.5", "0.5"), ("100", "100"),
                     ("-0", "0"), ("1.7e-8", "0.000000017"), ("12.5e-1", "1.25"), ("3e0", "3")]
        for (a, b) in cases { #expect(WireNumber(a)?.plainText == b, "\(a)") }
    }

    @Test func jsonParseAndSerialize() throws {
        let text = #"{"event":"subscribed","chanId":5,"a":[1,-2.5e-7,true,false,null,"x\"y\\z\n\u00e9\ud83d\ude00"],"o":{}}"#
        let v = try JSONValue.parse(text)
        #expect(v["chanId"]?.int == 5 && v["a"]?[1]?.number?.text == "-2.5e-7" && v["a"]?[2]?.bool == true && v["a"]?[4]?.isNull == true)
        #expect(v["a"]?[5]?.string == "x\"y\\z\né😀")
        #expect(v["o"]?.object?.isEmpty == true)
        #expect(try JSONValue.parse(v.serialized()) == v)
        #expect(v.object?.keys == ["event", "chanId", "a", "o"])
        #expect(JSONValue.string("\u{01}").serialized() == #""\u0001""#)
        #expect(try JSONValue.parse("  [ 1 , 2 ]  ") == [1, 2])
        var o = JSONObject()
        o["a"] = 1
        o["b"] = 2
        o["a"] = 3
        o["b"] = nil
        #expect(JSONValue.object(o).serialized() == #"{"a":3}"#)
    }

    @Test("parse errors are typed with offsets", arguments: [
        ("", FrameDecodingError.Reason.empty, 0), ("[1,2", .unexpectedEnd, 4), ("[1,2]x", .trailingBytes, 5),
        ("[01]", .unexpectedByte(UInt8(ascii: "1")), 2), ("[1.]", .invalidNumber, 1), ("\"abc", .unexpectedEnd, 4),
        ("[\"a\u{01}\"]", .invalidEscape, 3), (#"["\x"]"#, .invalidEscape, 2), (#"["\ud800"]"#, .invalidEscape, 2),
        ("[tru]", .unexpectedByte(UInt8(ascii: "]")), 4), ("{1:2}", .unexpectedByte(UInt8(ascii: "1")), 1),
        ("[1e]", .invalidNumber, 1), ("[-]", .invalidNumber, 1), ("[1,]", .unexpectedByte(UInt8(ascii: "]")), 3),
    ])
    func parseErrors(input: String, reason: FrameDecodingError.Reason, offset: Int) {
        do {
            _ = try JSONValue.parse(input)
            Issue.record("expected error for \(input)")
        } catch {
            #expect(error.reason == reason, "\(input)")
            #expect(error.offset == offset, "\(input)")
            #expect(error.frame == Array(input.utf8))
        }
    }

    @Test func invalidUTF8AndDepth() {
        #expect(throws: FrameDecodingError.self) { try JSONValue.parse([0x5B, 0x22, 0xFF, 0x22, 0x5D]) }
        #expect(throws: FrameDecodingError.self) { try JSONValue.parse([0x5B, 0x22, 0xC3, 0x22, 0x5D]) }
        #expect(throws: FrameDecodingError.self) { try JSONValue.parse([0x5B, 0xC3, 0xA9, 0x5D]) }
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        do {
            _ = try JSONValue.parse(deep)
            Issue.record("expected depth error")
        } catch {
            #expect(error.reason == .nestingTooDeep(limit: 64))
        }
        #expect((try? JSONValue.parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64))) != nil)
        #expect(throws: FrameDecodingError.self) { try JSONValue.parse("[" + String(repeating: "1", count: 40) + "]") }
    }
}
