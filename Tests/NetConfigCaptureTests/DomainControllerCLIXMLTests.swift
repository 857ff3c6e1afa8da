import Foundation
import NetConfigCapture
import RewireModel
import RewireTestSupport
import Testing

/// The fixtures of the DC tests: ARM exports of DC VMs and the CLIXML of their domains.
enum DCFixtures {
    static let folder = Paths.repository.appendingPathComponent("Tests/NetConfigCaptureTests/Fixtures/dc")

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(name))) }

    static func text(_ name: String) throws -> String { String(decoding: try bytes(name), as: UTF8.self) }

    static func files(_ folder: String) throws -> [URL] {
        let directory = url(folder)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map {
            directory.appendingPathComponent($0)
        }
    }
}

/// The reader of `Get-ADDomainController -Filter * | Export-Clixml`, on real-shaped exports and on
/// hostile or broken ones (which must end in a `CaptureError`, never a crash or a network access).
@Suite struct DomainControllerCLIXMLTests {
    static let ps = DomainControllerCLIXML.namespace

    static func read(_ text: String, maximumSize: Int = DomainControllerCLIXML.maximumDocumentSize) throws(CaptureError)
        -> [DomainControllerRecord]
    {
        try DomainControllerCLIXML.records(from: Array(text.utf8), file: "dcs.xml", maximumSize: maximumSize)
    }

    static func failure(_ text: String, maximumSize: Int = DomainControllerCLIXML.maximumDocumentSize) -> CaptureError?
    {
        failure(Array(text.utf8), maximumSize: maximumSize)
    }

    static func failure(_ bytes: [UInt8], maximumSize: Int = DomainControllerCLIXML.maximumDocumentSize)
        -> CaptureError?
    {
        do {
            _ = try DomainControllerCLIXML.records(from: bytes, file: "dcs.xml", maximumSize: maximumSize)
            return nil
        } catch {
            return error
        }
    }

    static func document(_ props: String) -> String {
        """
        <Objs Version="1.1.0.1" xmlns="\(ps)">
          <Obj RefId="0">
            <TN RefId="0"><T>Microsoft.ActiveDirectory.Management.ADDomainController</T><T>System.Object</T></TN>
            <Props>\(props)</Props>
          </Obj>
        </Objs>
        """
    }

    @Test func readsEveryDomainControllerOfARealShapedExport() throws {
        let records = try DomainControllerCLIXML.records(
            from: DCFixtures.bytes("corp/dcs-corp.xml"), file: "dcs-corp.xml")
        #expect(
            records.map(\.hostName) == ["DC01.corp.contoso.com", "DC02.corp.contoso.com", "BR-RODC01.corp.contoso.com"])
        let dc01 = records[0]
        #expect(dc01.domain == "corp.contoso.com")
        #expect(dc01.forest == "contoso.com")
        #expect(dc01.site == "Default-First-Site-Name")
        #expect(dc01.isGlobalCatalog == true)
        #expect(dc01.isReadOnly == false)
        #expect(dc01.ipv4Address == "10.10.2.4")
        #expect(
            dc01.operationMasterRoles == [
                "SchemaMaster", "DomainNamingMaster", "PDCEmulator", "RIDMaster", "InfrastructureMaster",
            ])
        #expect(dc01.location.line == 2)
        // Later objects name their type through <TNRef>; an empty <LST /> means no roles.
        #expect(records[1].operationMasterRoles.isEmpty)
        #expect(records[2].isReadOnly == true)
        // `_x002D_` is CLIXML's escape of '-'.
        #expect(records[2].site == "Branch-Lyon")
    }

    @Test func readsRolesWrittenAsBareEnumValuesAndNilAddresses() throws {
        let records = try DomainControllerCLIXML.records(
            from: DCFixtures.bytes("lab/dcs-single.xml"), file: "dcs-single.xml")
        #expect(records.count == 1)
        #expect(records[0].ipv4Address == nil)
        #expect(records[0].shortName == "lab-dc")
        #expect(
            records[0].operationMasterRoles == [
                "SchemaMaster", "DomainNamingMaster", "PDCEmulator", "RIDMaster", "InfrastructureMaster",
            ])
    }

    @Test func readsPropertiesFromMemberSetsAndResolvesRefs() throws {
        let text = """
            <Objs Version="1.1.0.1" xmlns="\(Self.ps)">
              <Obj RefId="0">
                <TN RefId="0"><T>Microsoft.ActiveDirectory.Management.ADDomainController</T></TN>
                <MS>
                  <S N="HostName">dc9.example.org</S>
                  <S N="Domain">example.org</S>
                  <Obj N="OperationMasterRoles" RefId="1"><TN RefId="1"><T>System.Collections.ArrayList</T></TN>
                    <LST><Obj RefId="2"><TN RefId="2"><T>Microsoft.ActiveDirectory.Management.ADOperationMasterRole</T></TN><ToString>RIDMaster</ToString><I32>1</I32></Obj>
                    <Ref RefId="2" /><S>pdcemulator</S></LST></Obj>
                </MS>
              </Obj>
              <Ref RefId="0" />
            </Objs>
            """
        let records = try Self.read(text)
        #expect(records.count == 1)
        #expect(records[0].operationMasterRoles == ["RIDMaster", "PDCEmulator"])
    }

    @Test(arguments: [
        "Selected.Microsoft.ActiveDirectory.Management.ADDomainController", "System.Management.Automation.PSCustomObject",
    ])
    func acceptsSelectedAndCustomObjectsWithTheDCProperties(type: String) throws {
        let text = """
            <Objs Version="1.1.0.1" xmlns="\(Self.ps)">
              <Obj RefId="0"><TN RefId="0"><T>\(type)</T><T>System.Object</T></TN>
              <MS><S N="HostName">dc7.corp.contoso.com</S><S N="Domain">corp.contoso.com</S></MS></Obj>
            </Objs>
            """
        #expect(try Self.read(text).map(\.hostName) == ["dc7.corp.contoso.com"])
    }

    @Test func decodesUnderscoreEscapes() {
        #expect(DomainControllerCLIXML.unescape("a_x000A_b") == "a\nb")
        #expect(DomainControllerCLIXML.unescape("_x005F_x0041_") == "_x0041_")
        #expect(DomainControllerCLIXML.unescape("no_xescape") == "no_xescape")
    }

    @Test(arguments: [("utf16le", true), ("utf16be", false)])
    func readsUTF16ExportsAsWindowsPowerShellWritesThem(name: String, littleEndian: Bool) throws {
        // Windows PowerShell 5.1's Export-Clixml writes UTF-16LE with a BOM by default.
        let text = try DCFixtures.text("corp/dcs-corp.xml")
        var bytes: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
        for unit in text.utf16 {
            bytes += littleEndian ? [UInt8(unit & 0xFF), UInt8(unit >> 8)] : [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        #expect(DomainControllerCLIXML.looksLikeCLIXML(bytes))
        let records = try DomainControllerCLIXML.records(from: bytes, file: "dcs.xml")
        #expect(records.count == 3)
        #expect(records[0].operationMasterRoles.count == 5)
    }

    @Test func refusesExternalEntitiesWithoutReadingTheFile() throws {
        let directory = try TemporaryDirectory()
        let secret = try directory.write("secret.txt", "REWIRE-DC-SECRET")
        let error = try #require(
            Self.failure(
                """
                <?xml version="1.0"?>
                <!DOCTYPE Objs [<!ENTITY xxe SYSTEM "file://\(secret)">]>
                <Objs Version="1.1.0.1" xmlns="\(Self.ps)"><Obj RefId="0"><Props><S N="HostName">&xxe;</S></Props></Obj></Objs>
                """))
        #expect(error.code == .syntax)
        #expect(error.message.contains("external entity"))
        #expect(!error.description.contains("REWIRE-DC-SECRET"))
        #expect(error.location.line == 2)
    }

    @Test func refusesBillionLaughs() throws {
        var doctype = "<!DOCTYPE Objs [\n<!ENTITY lol0 \"lol\">\n"
        for level in 1...9 {
            doctype += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">\n"
        }
        doctype += "]>\n"
        let error = try #require(
            Self.failure(
                doctype + "<Objs xmlns=\"\(Self.ps)\"><Obj><Props><S N=\"HostName\">&lol9;</S></Props></Obj></Objs>"))
        #expect(error.code == .syntax)
        #expect(error.message.contains("entity"))
    }

    @Test func refusesAnotherRootOrNamespaceWithTheExpectedOne() throws {
        let wrongRoot = try #require(Self.failure("<Objects xmlns=\"\(Self.ps)\"/>"))
        #expect(wrongRoot.code == .unrecognized)
        #expect(wrongRoot.message.contains("expected a CLIXML export"))
        let noNamespace = try #require(Self.failure("<Objs Version=\"1.1.0.1\"><Obj/></Objs>"))
        #expect(noNamespace.code == .unrecognized)
        #expect(noNamespace.message == "expected <Objs> in namespace '\(Self.ps)', found no namespace")
        let https = try #require(Self.failure("<Objs xmlns=\"https://schemas.microsoft.com/powershell/2004/04\"/>"))
        #expect(https.message.contains("found 'https://schemas.microsoft.com/powershell/2004/04'"))
    }

    @Test func refusesAnExportOfAnotherCmdlet() throws {
        let error = try #require(
            Self.failure(
                """
                <Objs Version="1.1.0.1" xmlns="\(Self.ps)">
                  <Obj RefId="0"><TN RefId="0"><T>System.Diagnostics.Process</T><T>System.Object</T></TN>
                  <Props><S N="Name">notepad</S></Props></Obj>
                </Objs>
                """))
        #expect(error.code == .unrecognized)
        #expect(error.message.contains("found System.Diagnostics.Process"))
        #expect(error.location.line == 2)
    }

    @Test func reportsWrongTypedPropertiesWithTheirLine() throws {
        let noHost = try #require(Self.failure(Self.document("<S N=\"Domain\">a.b</S>")))
        #expect(noHost.code == .shape)
        #expect(noHost.message.contains("HostName"))
        let badBool = try #require(
            Self.failure(Self.document("<S N=\"HostName\">dc1</S>\n<B N=\"IsGlobalCatalog\">maybe</B>")))
        #expect(badBool.code == .shape)
        #expect(badBool.message == "expected true or false in <B N=\"IsGlobalCatalog\">, found 'maybe'")
        #expect(badBool.location.line == 5)
        let intHost = try #require(Self.failure(Self.document("<I32 N=\"HostName\">7</I32>")))
        #expect(intHost.message.contains("expected <S N=\"HostName\">"))
        let badRole = try #require(
            Self.failure(
                Self.document("<S N=\"HostName\">dc1</S><Obj N=\"OperationMasterRoles\"><LST><I32>9</I32></LST></Obj>"))
        )
        #expect(badRole.message.contains("operation master role"))
    }

    @Test func reportsTruncatedAndEmptyDocuments() throws {
        let full = try DCFixtures.text("corp/dcs-corp.xml")
        let truncated = try #require(Self.failure(String(full.prefix(full.count / 2))))
        #expect(truncated.code == .syntax)
        #expect(truncated.location.line != nil)
        let empty = try #require(Self.failure([0x20, 0x0A, 0, 0]))
        #expect(empty.code == .syntax)
    }

    @Test func refusesADocumentOverTheSizeLimitBeforeParsing() throws {
        let error = try #require(Self.failure(Self.document("<S N=\"HostName\">dc1</S>"), maximumSize: 64))
        #expect(error.code == .syntax)
        #expect(error.message.contains("64-byte limit"))
        #expect(DomainControllerCLIXML.maximumDocumentSize == 16 * 1024 * 1024)
    }

    @Test func refusesDeepNestingInsteadOfRecursingForever() throws {
        let depth = 100_000
        let text =
            "<Objs xmlns=\"\(Self.ps)\">" + String(repeating: "<Obj>", count: depth)
            + String(repeating: "</Obj>", count: depth) + "</Objs>"
        let error = try #require(Self.failure(text))
        #expect(error.code == .syntax)
    }

    @Test func sniffsCLIXMLButNotClassicXML() throws {
        #expect(DomainControllerCLIXML.looksLikeCLIXML(try DCFixtures.bytes("lab/dcs-single.xml")))
        #expect(DomainControllerCLIXML.looksLikeCLIXML(Array("<Objs xmlns=\"urn:x\"/>".utf8)))
        #expect(
            !DomainControllerCLIXML.looksLikeCLIXML(Array("<Deployment xmlns=\"\(XMLNamespace.windowsAzure)\"/>".utf8)))
    }
}

@Suite struct DomainControllerCLIXMLSizeTests {
    @Test func refusesAHugeExportAtTheDefaultLimitWithoutParsingIt() throws {
        var bytes = Array("<Objs Version=\"1.1.0.1\" xmlns=\"\(DomainControllerCLIXML.namespace)\">".utf8)
        bytes += [UInt8](repeating: 0x20, count: DomainControllerCLIXML.maximumDocumentSize)
        bytes += Array("</Objs>".utf8)
        #expect {
            _ = try DomainControllerCLIXML.records(from: bytes, file: "huge.xml")
        } throws: { error in
            guard let error = error as? CaptureError else { return false }
            return error.code == .syntax
                && error.description.hasPrefix("huge.xml: the document is \(bytes.count) bytes")
        }
    }
}
