import NetConfigCapture
import RewireModel
import Testing

/// `ClassicCapture.document(from: bytes)` reads an `XMLArena` built from SAX2 events; `document(from:
/// XMLDocument)` reads the copied `XMLElement`s. Both must read every document the same way.
@Suite struct ClassicTreeReadingTests {
    static func bothWays(_ bytes: [UInt8], file: String) throws -> (inPlace: ClassicDocument, copied: ClassicDocument) {
        let inPlace = try ClassicCapture.document(from: bytes, file: file)
        let copied = try ClassicCapture.document(from: try XMLDocument.parse(bytes), file: file)
        return (inPlace, copied)
    }

    @Test(arguments: ClassicFixtures.allXMLFiles)
    func everyFixtureReadsTheSameInPlaceAndCopied(name: String) throws {
        let read = try Self.bothWays(try ClassicFixtures.bytes(name), file: name)
        #expect(read.inPlace == read.copied)
    }

    /// Namespaces declared twice with different prefixes, a child in another namespace, `i:nil`,
    /// CDATA and text split by a comment, attributes with and without a namespace, whitespace.
    @Test func namespacesNilCDATAAndSplitTextReadTheSame() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <a:Deployment xmlns:a="http://schemas.microsoft.com/windowsazure" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
              <a:Name>svc</a:Name>
              <Url xmlns="http://schemas.microsoft.com/windowsazure">http://svc.cloudapp.net/</Url>
              <a:RoleList>
                <Role xmlns="http://schemas.microsoft.com/windowsazure" i:type="PersistentVMRole">
                  <RoleName><![CDATA[vm]]>-<!-- split -->01</RoleName>
                  <RoleSize>  Small
                  </RoleSize>
                  <AvailabilitySetName i:nil="true"/>
                  <other:RoleSize xmlns:other="urn:other">Large</other:RoleSize>
                  <OSVirtualHardDisk><OS>Linux</OS><DiskName>d</DiskName><MediaLink>https://x/y.vhd</MediaLink></OSVirtualHardDisk>
                  <ConfigurationSets>
                    <ConfigurationSet i:type="NetworkConfigurationSet">
                      <ConfigurationSetType>NetworkConfiguration</ConfigurationSetType>
                      <InputEndpoints>
                        <InputEndpoint><Name>web</Name><Protocol>TCP</Protocol><Port>80</Port><LocalPort>8080</LocalPort>
                          <EnableDirectServerReturn>maybe</EnableDirectServerReturn></InputEndpoint>
                      </InputEndpoints>
                    </ConfigurationSet>
                  </ConfigurationSets>
                </Role>
              </a:RoleList>
            </a:Deployment>
            """
        let read = try Self.bothWays(Array(xml.utf8), file: "ns.xml")
        #expect(read.inPlace == read.copied)
        let vm = try #require(read.inPlace.virtualMachines.first?.value)
        #expect(vm.roleName == "vm-01")
        #expect(vm.roleSize == "Small")
        #expect(vm.availabilitySetName == nil)
        #expect(read.inPlace.findings.contains { $0.code == "classic.value.invalid" && $0.location?.line == 18 })
    }
}
