import RewireModel
import Testing

@testable import NetConfigCapture

/// A Get Deployment's roles are read in several runs at once (`ClassicReader.roles`); however many
/// runs, the VMs, their order, the findings and the first error are those of one reader.
@Suite struct ClassicParallelReadingTests {
    /// `count` roles, each with its RoleInstance; every 7th has an unreadable port and every 11th
    /// an unknown protocol (findings; the endpoint is then unusable), every 50th is a web role (skipped with a finding); the
    /// roles named in `withoutSize` lack <RoleSize> (an error).
    static func deployment(roles count: Int, withoutSize: Set<Int> = []) -> [UInt8] {
        var roles = ""
        var instances = ""
        for n in 0..<count {
            let name = "vm\(n)"
            if n % 50 == 49 {
                roles += "<Role><RoleName>\(name)</RoleName><RoleType>WebRole</RoleType></Role>"
                continue
            }
            let port = n % 7 == 3 ? "eighty" : "\(1000 + n)"
            let proto = n % 11 == 5 ? "sctp" : "tcp"
            roles += """
                <Role><RoleName>\(name)</RoleName><RoleType>PersistentVMRole</RoleType>\
                <ConfigurationSets><ConfigurationSet><ConfigurationSetType>NetworkConfiguration</ConfigurationSetType>\
                <InputEndpoints><InputEndpoint><LoadBalancedEndpointSetName>web</LoadBalancedEndpointSetName>\
                <LocalPort>80</LocalPort><Name>HTTP</Name><Port>80</Port><Protocol>tcp</Protocol></InputEndpoint>\
                <InputEndpoint><LocalPort>22</LocalPort><Name>SSH</Name><Port>\(port)</Port><Protocol>\(proto)</Protocol></InputEndpoint>\
                </InputEndpoints><SubnetNames><SubnetName>FrontEnd</SubnetName></SubnetNames></ConfigurationSet></ConfigurationSets>\
                <OSVirtualHardDisk><DiskName>\(name)-os</DiskName><MediaLink>https://s.blob.core.windows.net/vhds/\(name).vhd</MediaLink>\
                <OS>Linux</OS></OSVirtualHardDisk>\(withoutSize.contains(n) ? "" : "<RoleSize>Small</RoleSize>")</Role>
                """
            instances += """
                <RoleInstance><RoleName>\(name)</RoleName><InstanceName>\(name)</InstanceName>\
                <IpAddress>10.0.\(n / 250).\(n % 250 + 4)</IpAddress><PowerState>Started</PowerState></RoleInstance>
                """
        }
        let xml = """
            <Deployment xmlns="http://schemas.microsoft.com/windowsazure" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">\
            <Name>svc</Name><DeploymentSlot>Production</DeploymentSlot><Url>http://svc.cloudapp.net/</Url>\
            <RoleInstanceList>\(instances)</RoleInstanceList><RoleList>\(roles)</RoleList>\
            <VirtualNetworkName>vnet</VirtualNetworkName></Deployment>
            """
        return Array(xml.utf8)
    }

    static func read(_ bytes: [UInt8], parts: Int) throws(CaptureError) -> (
        machines: [ClassicEntry<ClassicVMSettings>], findings: [Finding]
    ) {
        let arena = try! XMLArena.parse(bytes)
        var reader = ClassicReader<XMLArena.Node>(file: "d.xml")
        let machines = try reader.deployment(
            arena.root, source: .getDeployment, cloudService: nil, location: nil, affinityGroup: nil, parts: parts)
        return (machines, reader.findings)
    }

    @Test(arguments: [2, 3, 8]) func sameVMsAndFindingsInAnyNumberOfParts(parts: Int) throws {
        let bytes = Self.deployment(roles: 700)
        let one = try Self.read(bytes, parts: 1)
        let many = try Self.read(bytes, parts: parts)
        #expect(one.machines.count == 686)  // 14 web roles skipped
        #expect(one.machines.map(\.value.roleName) == (0..<700).filter { $0 % 50 != 49 }.map { "vm\($0)" })
        #expect(one.machines.allSatisfy { $0.value.virtualNetworkName == "vnet" })
        #expect(
            Set(one.findings.map(\.code))
                == ["classic.value.invalid", "classic.endpoint.unusable", "classic.role.not-a-virtual-machine"])
        #expect(one.findings.count > 150)
        #expect(many.machines == one.machines)
        #expect(many.findings == one.findings)
    }

    /// Two roles cannot be rebuilt; the earlier one is reported, whichever run reads it.
    @Test(arguments: [1, 2, 3, 8]) func theEarliestErrorWinsInAnyNumberOfParts(parts: Int) {
        let bytes = Self.deployment(roles: 700, withoutSize: [620, 410])
        #expect {
            try Self.read(bytes, parts: parts)
        } throws: { error in
            (error as? CaptureError)?.message == "expected <RoleSize> in role 'vm410'"
        }
    }

    @Test func smallDeploymentsAreReadByOneReader() {
        typealias Reader = ClassicReader<XMLArena.Node>
        #expect(Reader.parts(forRoles: 0) == 1)
        #expect(Reader.parts(forRoles: 2 * Reader.minimumRolesPerPart - 1) == 1)
        #expect(Reader.parts(forRoles: 2 * Reader.minimumRolesPerPart) == 2)
        #expect(Reader.parts(forRoles: 5_000) == Reader.maximumParts)
    }
}
