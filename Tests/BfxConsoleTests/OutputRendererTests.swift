import BfxProtocol
import Testing
import BfxConsole

@Suite struct OutputRendererTests {
    let output = ConsoleOutput(
        json: .array([.fields([JSONObject.Member("name", "a\tb"), JSONObject.Member("n", .int(5))]), .fields([JSONObject.Member("name", "long-name"), JSONObject.Member("n", .null)])]),
        human: .table(columns: ["name", "n"], rows: [["a\tb", .int(5)], ["long-name", .null]])
    )

    @Test func tableAlignsAndRightAlignsNumbers() {
        #expect(OutputRenderer.render(output, format: .table) == "NAME       N\na\\x9b      5\nlong-name  -\n")
    }

    @Test func plainIsTSVWithHeader() {
        #expect(OutputRenderer.render(output, format: .plain) == "name\tn\na\\x9b\t5\nlong-name\t\n")
    }

    @Test func jsonAndNDJSON() {
        #expect(OutputRenderer.render(output, format: .ndjson) == "{\"name\":\"a\\tb\",\"n\":5}\n{\"name\":\"long-name\",\"n\":null}\n")
        #expect(OutputRenderer.render(.message("hi"), format: .json) == "{\n  \"message\": \"hi\"\n}\n")
        #expect(OutputRenderer.render(.empty, format: .json) == "")
    }

    @Test func escapesNeverReachTheTerminal() {
        let hostile = ConsoleOutput.message("x\u{1B}[2Jy")
        #expect(!OutputRenderer.render(hostile, format: .table).contains("\u{1B}"))
        #expect(!OutputRenderer.render(hostile, format: .json).contains("\u{1B}"))
    }

    @Test func promptShowsHealth() {
        #expect(ConsolePrompt.render(ConsoleHealth(label: "sim", connectionsUp: 3, connectionsTotal: 3, alertsFiring: 0), unicode: true) == "bfx[sim ✓ 3/3 conn]> ")
        #expect(ConsolePrompt.render(ConsoleHealth(label: "live", connectionsUp: 1, connectionsTotal: 2, alertsFiring: 2), unicode: true) == "bfx[live ✗ 1/2 conn !2]> ")
        #expect(ConsolePrompt.render(ConsoleHealth(label: "sim", connectionsUp: 0, connectionsTotal: 0, alertsFiring: 0), unicode: false) == "bfx[sim !! 0/0 conn]> ")
    }
}
