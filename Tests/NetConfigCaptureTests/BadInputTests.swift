import Foundation
import NetConfigCapture
import RewireModel
import Testing

@Suite("Bad input gives one clear error")
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var text: String
        var code: CaptureError.Code
        var mentions: [String]
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "malformed", text: "{\"id\": \"/subscriptions/1\" \"name\": 1}", code: .syntax, mentions: ["bad.json:1:27:", "expected ',' or '}'"]),
        Case(label: "truncated", text: "{\n  \"value\": [\n    {\"id\": \"/sub", code: .syntax, mentions: ["bad.json:3:", "truncated"]),
        Case(label: "trailing garbage", text: "{\"value\": []} x", code: .syntax, mentions: ["end of the document"]),
        Case(label: "not JSON or XML", text: "hello world", code: .syntax, mentions: ["neither"]),
        Case(label: "empty file", text: "   \n", code: .unrecognized, mentions: ["empty"]),
        Case(label: "a bare number", text: "42", code: .syntax, mentions: ["neither"]),
        Case(label: "an object that is no resource", text: "{\"foo\": 1}", code: .shape, mentions: ["expected an Azure resource"]),
        Case(
            label: "ipConfigurations of the wrong type",
            text: """
                {"id": "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/n", "type": "Microsoft.Network/networkInterfaces",
                 "properties": {"ipConfigurations": "ipconfig1"}}
                """,
            code: .shape, mentions: ["$.properties.ipConfigurations", "expected an array, found a string"]),
        Case(
            label: "a VM without a size",
            text: """
                {"id": "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/v", "type": "Microsoft.Compute/virtualMachines",
                 "properties": {"storageProfile": {"osDisk": {"osType": "Linux"}}}}
                """,
            code: .shape, mentions: ["hardwareProfile.vmSize", "'v'"]),
        Case(
            label: "a data disk without a LUN",
            text: """
                {"id": "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/v", "type": "Microsoft.Compute/virtualMachines",
                 "properties": {"hardwareProfile": {"vmSize": "A1"}, "storageProfile": {"osDisk": {"osType": "Linux"}, "dataDisks": [{"name": "d"}]}}}
                """,
            code: .shape, mentions: ["$.properties.storageProfile.dataDisks[0]", "lun"]),
        Case(label: "invalid escape", text: "{\"id\": \"a\\qb\"}", code: .syntax, mentions: ["invalid escape"]),
        Case(label: "deep nesting", text: String(repeating: "[", count: 10_000), code: .syntax, mentions: ["nesting deeper"]),
        Case(label: "an unknown osType", text: """
            {"id": "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/v", "type": "Microsoft.Compute/virtualMachines",
             "properties": {"hardwareProfile": {"vmSize": "A1"}, "storageProfile": {"osDisk": {"osType": "BeOS"}}}}
            """, code: .shape, mentions: ["osType", "BeOS"]),
    ]

    @Test(arguments: cases)
    func givesOneLineErrorWithFileAndLocation(_ input: Case) throws {
        var capture = Capture()
        let error = try #require(throws: CaptureError.self) {
            try capture.add(file: "exports/bad.json", bytes: Array(input.text.utf8))
        }
        #expect(error.code == input.code)
        #expect(error.description.hasPrefix("exports/bad.json"))
        #expect(!error.description.contains("\n"))
        for text in input.mentions {
            #expect(error.description.contains(text), "\(error.description) should mention \(text)")
        }
    }

    @Test func reportsInvalidUTF8() throws {
        var capture = Capture()
        let bytes: [UInt8] = Array("{\"id\": \"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        let error = try #require(throws: CaptureError.self) { try capture.add(file: "x.json", bytes: bytes) }
        #expect(error.description.contains("UTF-8"))
    }
}
