import Foundation
import PropertyBased
import RewireModel
import RewireTestSupport
import Testing

@Suite("Canonical manifest JSON")
struct CanonicalJSONTests {
    @Test func writesSchemaVersionFirstThenSortedKeys() throws {
        let text = String(decoding: try CanonicalJSON.encode(fullySetManifest()), as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"schemaVersion\": 1,\n  \"findings\": ["))
        let topKeys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(topKeys == ["schemaVersion", "findings", "loadBalancers", "networkInterfaces", "networkSecurityGroups", "publicIPAddresses", "storageAccounts", "virtualMachines", "virtualNetworks"])
        #expect(text.hasSuffix("}\n"))
        #expect(!text.contains("\\/"))
    }

    @Test func sameManifestSameBytesAndItReadsBackEqual() throws {
        let manifest = fullySetManifest()
        let first = try CanonicalJSON.encode(manifest)
        #expect(first == (try CanonicalJSON.encode(manifest)))
        #expect(try Manifest.decode(first) == manifest)
    }

    @Test func matchesTheCheckedInJSONSchema() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("manifest.json", Data(try CanonicalJSON.encode(fullySetManifest())))
        let schema = Paths.repository.appendingPathComponent("schema/manifest.schema.json").path
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))
            """
        let result = try ProcessRunner.python(["-c", script, schema, file])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func refusesAManifestFromANewerRewire() throws {
        var text = String(decoding: try CanonicalJSON.encode(fullySetManifest()), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"schemaVersion\": 1", with: "\"schemaVersion\": 2")
        let error = try #require(throws: ManifestReadError.self) { try Manifest.decode(Array(text.utf8)) }
        #expect(error.path == "$.schemaVersion")
        #expect(error.message.contains("newer"))
    }

    @Test func namesTheJSONPathOfAWrongValue() throws {
        var text = String(decoding: try CanonicalJSON.encode(fullySetManifest()), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"osType\": \"Linux\"", with: "\"osType\": 7")
        let error = try #require(throws: ManifestReadError.self) { try Manifest.decode(Array(text.utf8)) }
        #expect(error.path == "$.virtualMachines[0].osType")
    }

    /// Any text (quotes, backslashes, control characters, non-Latin scripts, emoji) survives the
    /// canonical writer and reads back unchanged.
    @Test func arbitraryStringsRoundTrip() async throws {
        let text = Gen<Character>.oneOf(
            Gen.character(in: " "..."~"),
            Gen.character(in: "\u{0}"..."\u{1F}"),
            Gen.character(in: "\u{400}"..."\u{4FF}"),
            Gen.character(in: "\u{4E00}"..."\u{4FFF}"),
            Gen.character(in: "\u{1F600}"..."\u{1F64F}")
        ).string(of: 0...40)
        await propertyCheck(count: 300, input: text) { value in
            let manifest = fullySetManifest(tagValue: value)
            let decoded = try Manifest.decode(try CanonicalJSON.encode(manifest))
            #expect(decoded.virtualMachines[0].tags["env"] == value)
        }
    }
}

@Suite("ARM resource ids")
struct ResourceIDTests {
    @Test func takesAChildIDApartAndFindsItsParent() throws {
        let id = try #require(
            ResourceID("/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/loadBalancers/lb-web/backendAddressPools/be"))
        #expect(id.subscriptionId == "S" && id.resourceGroup == "RG" && id.name == "be")
        #expect(id.fullType == "Microsoft.Network/loadBalancers/backendAddressPools")
        #expect(id.parent?.raw == "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/loadBalancers/lb-web")
    }

    @Test func comparesCaseInsensitively() {
        #expect(ResourceID.key("/subscriptions/S/resourceGroups/RG/") == ResourceID.key("/SUBSCRIPTIONS/s/resourcegroups/rg"))
        #expect(ResourceID("/subscriptions/a/resourceGroups/B") == ResourceID("/SUBSCRIPTIONS/A/RESOURCEGROUPS/b"))
    }

    @Test(arguments: ["", "not-an-id", "/subscriptions", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers"])
    func rejectsWhatIsNotAnID(_ text: String) {
        #expect(ResourceID(text) == nil)
    }
}
