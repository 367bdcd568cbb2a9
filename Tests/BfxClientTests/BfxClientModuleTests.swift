import Testing
@testable import BfxClient

@Test func moduleLinks() {
    #expect(BfxClientModule.name == "BfxClient")
}
