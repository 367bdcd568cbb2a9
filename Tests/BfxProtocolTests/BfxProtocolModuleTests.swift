import Testing
@testable import BfxProtocol

@Test func moduleLinks() {
    #expect(BfxProtocolModule.name == "BfxProtocol")
}
