import Foundation
import NetConfigCapture
import RewireModel
import RewireTestSupport
import Testing

/// Capture records the DC role from the CLIXML export, tags and `--domain-controller`.
@Suite struct DomainControllerCaptureTests {
    static func capture(_ urls: [URL], vms: [String] = [], domainControllers: [String] = []) throws -> Manifest {
        var capture = Capture(options: CaptureOptions(vmNames: vms, domainControllers: domainControllers))
        for url in urls { try capture.add(file: url.lastPathComponent, bytes: [UInt8](try Data(contentsOf: url))) }
        return try capture.finish()
    }

    static func vm(_ manifest: Manifest, _ name: String) throws -> VirtualMachine {
        try #require(manifest.virtualMachines.first { $0.name == name })
    }

    @Test func matchesExportedDCsToVMsByPrivateIPAndCountsTheUnmatched() throws {
        let manifest = try Self.capture(try DCFixtures.files("corp"))
        let dc01 = try #require(try Self.vm(manifest, "vm-dc01").domainController)
        #expect(dc01.source == .clixml)
        #expect(dc01.domain == "corp.contoso.com")
        #expect(dc01.forest == "contoso.com")
        #expect(dc01.site == "Default-First-Site-Name")
        #expect(dc01.isGlobalCatalog == true)
        #expect(dc01.ipv4Address == "10.10.2.4")
        // The three DCs of the export, one of them (the branch RODC) no captured VM.
        #expect(dc01.domainControllerCount == 3)
        #expect(
            dc01.fsmoRoles == [
                "SchemaMaster", "DomainNamingMaster", "PDCEmulator", "RIDMaster", "InfrastructureMaster",
            ])
        let dc02 = try #require(try Self.vm(manifest, "vm-dc02").domainController)
        #expect(dc02.fsmoRoles.isEmpty)
        #expect(dc02.domainControllerCount == 3)
        let unmatched = try #require(manifest.findings.first { $0.code == "dc.clixml.unmatched" })
        #expect(unmatched.message.contains("BR-RODC01.corp.contoso.com"))
        #expect(unmatched.severity == .info)
    }

    @Test func matchesByHostNameWhenTheExportHasNoAddressAndMergesTags() throws {
        let manifest = try Self.capture(try DCFixtures.files("lab"))
        let role = try #require(try Self.vm(manifest, "lab-dc").domainController)
        #expect(role.source == .clixml)
        #expect(role.domainControllerCount == 1)
        #expect(role.domain == "lab.fabrikam.net")
        #expect(!manifest.findings.contains { $0.code.hasPrefix("dc.clixml") })
    }

    @Test func matchesByVMNameWhenTheComputerNameDiffers() throws {
        var vmJSON = try DCFixtures.text("corp/vm-dc01.json")
        vmJSON = vmJSON.replacingOccurrences(of: "\"computerName\": \"DC01\"", with: "\"computerName\": \"other\"")
        let export = """
            <Objs Version="1.1.0.1" xmlns="\(DomainControllerCLIXML.namespace)"><Obj RefId="0"><Props>
            <S N="HostName">VM-DC01.corp.contoso.com</S><S N="Domain">corp.contoso.com</S></Props></Obj></Objs>
            """
        var capture = Capture()
        try capture.add(file: "vm.json", bytes: Array(vmJSON.utf8))
        try capture.add(file: "nic.json", bytes: try DCFixtures.bytes("corp/nic-dc01.json"))
        try capture.add(file: "dcs.xml", bytes: Array(export.utf8))
        let manifest = try capture.finish()
        #expect(manifest.virtualMachines[0].domainController?.domainControllerCount == 1)
    }

    @Test func reportsADCThatMatchesTwoVMsAndMarksNeither() throws {
        // Both NICs carry the address and neither VM's names fit the host name.
        var nic2 = try DCFixtures.text("corp/nic-dc02.json")
        nic2 = nic2.replacingOccurrences(of: "10.10.2.5", with: "10.10.2.4")
        let export = """
            <Objs Version="1.1.0.1" xmlns="\(DomainControllerCLIXML.namespace)"><Obj RefId="0"><Props>
            <S N="HostName">DCX.corp.contoso.com</S><S N="IPv4Address">10.10.2.4</S></Props></Obj></Objs>
            """
        var capture = Capture()
        for name in ["corp/vm-dc01.json", "corp/nic-dc01.json", "corp/vm-dc02.json"] {
            try capture.add(file: name, bytes: try DCFixtures.bytes(name))
        }
        try capture.add(file: "nic-dc02.json", bytes: Array(nic2.utf8))
        try capture.add(file: "dcs.xml", bytes: Array(export.utf8))
        let manifest = try capture.finish()
        #expect(manifest.virtualMachines.allSatisfy { $0.domainController == nil })
        let finding = try #require(manifest.findings.first { $0.code == "dc.clixml.ambiguous" })
        #expect(finding.message.contains("vm-dc01, vm-dc02"))
    }

    @Test func marksVMsNamedOnTheCommandLineCaseInsensitively() throws {
        let manifest = try Self.capture(
            [DCFixtures.url("corp/vm-dc01.json"), DCFixtures.url("corp/nic-dc01.json")], domainControllers: ["VM-DC01"])
        let role = try #require(manifest.virtualMachines[0].domainController)
        #expect(role.source == .commandLine)
        #expect(role.domainControllerCount == nil)
        #expect(manifest.findings.contains { $0.code == "dc.count.unknown" && $0.vm == "vm-dc01" })
    }

    @Test func refusesACommandLineNameThatIsNoCapturedVM() throws {
        #expect {
            try Self.capture([DCFixtures.url("corp/vm-dc01.json")], domainControllers: ["dc99"])
        } throws: { error in
            guard let error = error as? CaptureError else { return false }
            return error.code == .empty
                && error.description
                    == "--domain-controller dc99: no virtual machine named 'dc99' in the captured VMs (vm-dc01)"
        }
    }

    @Test func readsTheTagConventionCaseInsensitively() throws {
        var vmJSON = try DCFixtures.text("corp/vm-dc02.json")
        vmJSON = vmJSON.replacingOccurrences(
            of: "\"env\": \"prod\"",
            with: """
                "REWIRE-ROLE": "Domain-Controller", "Rewire-AD-Domain": "corp.contoso.com", "rewire-ad-fsmo": "rid, PDC",
                "rewire-ad-gc": "TRUE", "rewire-ad-rodc": "perhaps", "rewire-ad-dc-count": "4", "rewire-ad-site": "Paris"
                """)
        var capture = Capture()
        try capture.add(file: "vm.json", bytes: Array(vmJSON.utf8))
        let manifest = try capture.finish()
        let role = try #require(manifest.virtualMachines[0].domainController)
        #expect(role.source == .tag)
        #expect(role.domain == "corp.contoso.com")
        #expect(role.fsmoRoles == ["PDCEmulator", "RIDMaster"])
        #expect(role.isGlobalCatalog == true)
        #expect(role.isReadOnly == nil)
        #expect(role.domainControllerCount == 4)
        #expect(role.site == "Paris")
        let invalid = try #require(manifest.findings.first { $0.code == "dc.tag.invalid" })
        #expect(invalid.message.contains("rewire-ad-rodc = 'perhaps'"))
    }

    @Test func ignoresOtherRoleTagValues() throws {
        var vmJSON = try DCFixtures.text("corp/vm-dc02.json")
        vmJSON = vmJSON.replacingOccurrences(of: "\"env\": \"prod\"", with: "\"rewire-role\": \"file-server\"")
        var capture = Capture()
        try capture.add(file: "vm.json", bytes: Array(vmJSON.utf8))
        #expect(try capture.finish().virtualMachines[0].domainController == nil)
    }

    @Test func routesCLIXMLToTheDCReaderWhateverTheFormat() throws {
        var capture = Capture(options: CaptureOptions(format: .arm))
        try capture.add(file: "vm.json", bytes: try DCFixtures.bytes("lab/lab-dc.json"))
        try capture.add(file: "dcs.xml", bytes: try DCFixtures.bytes("lab/dcs-single.xml"))
        #expect(try capture.finish().virtualMachines[0].domainController?.source == .clixml)
        // A CLIXML-looking file with the wrong namespace gets the CLIXML reader's message.
        var other = Capture()
        #expect(throws: CaptureError.self) {
            try other.add(file: "x.xml", bytes: Array("<Objs xmlns=\"urn:x\"/>".utf8))
        }
    }

    @Test func sameInputsGiveTheSameManifestBytes() throws {
        let first = try CanonicalJSON.encode(try Self.capture(try DCFixtures.files("corp")))
        let second = try CanonicalJSON.encode(try Self.capture(try DCFixtures.files("corp").reversed()))
        #expect(first == second)
    }
}
