import Foundation
import PropertyBased
import RewireModel
import RewireTestSupport
import ScriptGen
import Testing

@Suite("Quoting")
struct QuotingTests {
    @Test(arguments: [
        ("plain", "'plain'"),
        ("it's", "'it''s'"),
        ("\u{2018}x\u{2019}", "'\u{2018}\u{2018}x\u{2019}\u{2019}'"),
        ("\u{201A}\u{201B}", "'\u{201A}\u{201A}\u{201B}\u{201B}'"),
        ("$(Remove-Item C:\\)", "'$(Remove-Item C:\\)'"),
        ("a\0b", "('a' + [char]0 + 'b')"),
    ])
    func quotesEverySingleQuoteCharacter(_ input: String, _ expected: String) {
        #expect(PowerShell.quote(input) == expected)
    }

    /// Characters that break naive quoting, mixed with Latin, Cyrillic, Arabic, CJK and emoji.
    static let hostile: [Character] = [
        "'", "\u{2018}", "\u{2019}", "\u{201A}", "\u{201B}", "\"", "\u{201C}", "\u{201D}", "\u{201E}", "`", "$", "(", ")",
        "{", "}", "@", "#", ";", "|", "&", "<", ">", "\n", "\r\n", "\t", " ", "\\", "-",
    ]

    static let value = Gen<Character>.oneOf(
        Gen.element(of: hostile).map { $0 ?? "x" },
        Gen.character(in: "a"..."z"),
        Gen.character(in: "\u{410}"..."\u{44F}"),
        Gen.character(in: "\u{627}"..."\u{64A}"),
        Gen.character(in: "\u{4E00}"..."\u{4FFF}"),
        Gen.character(in: "\u{1F600}"..."\u{1F64F}")
    ).string(of: 1...24)

    /// The quoting function against PowerShell's own rule for single-quoted literals (any two
    /// single-quote characters in a row stand for the second): every string reads back exactly.
    @Test func quotedLiteralsDecodeToTheirInput() async {
        await propertyCheck(count: 2000, input: Self.value) { value in
            #expect(Self.decodeSingleQuoted(PowerShell.quote(value)) == value)
        }
    }

    static func decodeSingleQuoted(_ literal: String) -> String? {
        let quotes: Set<Unicode.Scalar> = ["'", "\u{2018}", "\u{2019}", "\u{201A}", "\u{201B}"]
        let scalars = Array(literal.unicodeScalars)
        guard scalars.count >= 2, quotes.contains(scalars[0]), quotes.contains(scalars[scalars.count - 1]) else { return nil }
        var out = String.UnicodeScalarView()
        var index = 1
        while index < scalars.count - 1 {
            if quotes.contains(scalars[index]) {
                guard index + 1 < scalars.count - 1, quotes.contains(scalars[index + 1]) else { return nil }
                out.append(scalars[index + 1])
                index += 2
            } else {
                out.append(scalars[index])
                index += 1
            }
        }
        return String(out)
    }

    /// Arbitrary strings as VM, NIC, tag and DNS values: the scripts parse with zero pscheck
    /// findings and every literal decodes back to the exact input (pscheck `--literals`, the
    /// independent decoder). 1,000 values by default, `REWIRE_PROPERTY_CASES=100000` on demand;
    /// `REWIRE_PROPERTY_SEED` replays a run. Values are drawn with swift-property-based's
    /// generators; shrinking is left out because each check runs pscheck over every script.
    @Test func arbitraryValuesSurviveTheScriptsExactly() throws {
        let environment = ProcessInfo.processInfo.environment
        let cases = Int(environment["REWIRE_PROPERTY_CASES"] ?? "") ?? 1000
        let seed = UInt64(environment["REWIRE_PROPERTY_SEED"] ?? "") ?? 20_261_122
        var random = Xoshiro(seed: (seed, seed &* 31, seed &+ 7, 0x9E37_79B9_7F4A_7C15))
        let values = (0..<cases).map { _ in Self.value.run(using: &random) }
        let directory = try TemporaryDirectory()
        let perManifest = 100
        var scripts: [String] = []
        for (batch, start) in stride(from: 0, to: values.count, by: perManifest).enumerated() {
            let chunk = Array(values[start..<min(start + perManifest, values.count)])
            scripts += try write(try generate(Self.manifest(chunk)), into: directory, prefix: "\(batch)/")
        }
        let findings = try PSCheck.findings(scripts)
        #expect(findings.isEmpty, "seed \(seed): \(findings.prefix(2000))")
        let literals = try PSCheck.literals(scripts)
        let problems = literals.filter { $0.problem != nil }
        #expect(problems.isEmpty, "seed \(seed): \(problems.prefix(3).map { "\($0.raw.debugDescription): \($0.problem ?? "")" })")
        let decoded = Set(literals.compactMap(\.value))
        let missing = values.filter { !decoded.contains($0) }
        #expect(missing.isEmpty, "seed \(seed): not read back: \(missing.prefix(5).map(\.debugDescription))")
    }

    /// One VM per value: the value is its name, its NIC's name, a tag key and value, and the DNS
    /// label of its public IP.
    static func manifest(_ values: [String]) -> Manifest {
        let base = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers"
        var manifest = Manifest()
        for (index, value) in values.enumerated() {
            let nicID = "\(base)/Microsoft.Network/networkInterfaces/nic\(index)"
            let pipID = "\(base)/Microsoft.Network/publicIPAddresses/pip\(index)"
            manifest.virtualMachines.append(
                VirtualMachine(
                    id: "\(base)/Microsoft.Compute/virtualMachines/vm\(index)", name: value, resourceGroup: "rg",
                    subscriptionId: "00000000-0000-0000-0000-000000000001", location: "westeurope", size: "Standard_B2s",
                    osType: .linux, tags: [value: value], osDisk: Disk(name: "os", kind: .managed),
                    networkInterfaces: [NetworkInterfaceReference(id: nicID, primary: true)]))
            manifest.networkInterfaces.append(
                NetworkInterface(
                    id: nicID, name: value, resourceGroup: "rg", subscriptionId: "00000000-0000-0000-0000-000000000001",
                    location: "westeurope",
                    ipConfigurations: [
                        IPConfiguration(
                            name: value, primary: true, subnetId: "\(base)/Microsoft.Network/virtualNetworks/v/subnets/s",
                            publicIPAddressId: pipID)
                    ], tags: [value: value]))
            manifest.publicIPAddresses.append(
                PublicIPAddress(
                    id: pipID, name: "pip\(index)", resourceGroup: "rg", subscriptionId: "00000000-0000-0000-0000-000000000001",
                    location: "westeurope", sku: "Standard", allocationMethod: .static, domainNameLabel: value))
        }
        return manifest
    }
}
