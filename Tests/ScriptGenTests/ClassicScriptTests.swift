import Foundation
import NetConfigCapture
import RewireModel
import RewireTestSupport
import ScriptGen
import Testing

/// Classic scripts for the classic fixtures: they pass pscheck, each special setting reaches the
/// right cmdlet parameter (checked through `pscheck --calls`), and four of them match golden files.
@Suite("Classic scripts")
struct ClassicScriptTests {
    static let fixtures = Paths.shared.appendingPathComponent("fixtures/classic")

    static var vmFixtures: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return names.filter {
            $0.hasSuffix(".xml") && !$0.contains("reserved-ip") && !$0.contains("network-configuration")
                && !$0.contains("network-sites")
        }.sorted() + ["xplat-get-deployment-reserved-ip.xml"]
    }

    static func manifest(_ names: [String], extra: [(String, String)] = []) throws -> Manifest {
        var capture = Capture(options: CaptureOptions(format: .classic))
        for name in names {
            try capture.add(file: name, bytes: [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(name))))
        }
        for (file, text) in extra { try capture.add(file: file, bytes: Array(text.utf8)) }
        return try capture.finish()
    }

    /// The classic VMs' scripts (what `rewire script` writes for them), without restore-all and the runbook.
    static func scripts(_ manifest: Manifest) throws -> [GeneratedFile] {
        try ScriptGenerator(options: ScriptOptions(regenerateCommand: "rewire script manifest.json -o restore"))
            .generate(manifest).filter { $0.name.hasSuffix(".ps1") && $0.name != "restore-all.ps1" }
    }

    /// The calls of one generated script, written to a temporary folder for pscheck.
    static func calls(_ file: GeneratedFile) throws -> [PSCheck.Call] {
        let directory = try TemporaryDirectory()
        return try PSCheck.calls([try directory.write(file.name, file.contents)])
    }

    static func call(
        _ calls: [PSCheck.Call], _ command: String, where predicate: (PSCheck.Call) -> Bool = { _ in true }
    ) -> [PSCheck.Call] {
        calls.filter { $0.command == command && predicate($0) }
    }

    static func string(_ call: PSCheck.Call?, _ parameter: String) -> String? {
        call?.value(parameter)?.strings.first
    }

    @Test func everyClassicFixtureGivesScriptsThatPassPSCheck() throws {
        #expect(Self.vmFixtures.count == 16)
        let directory = try TemporaryDirectory()
        var paths: [String] = []
        for (index, name) in Self.vmFixtures.enumerated() {
            let manifest = try Self.manifest([name])
            let files = try Self.scripts(manifest)
            #expect(files.count == manifest.virtualMachines.count, "\(name)")
            for file in files { paths.append(try directory.write("\(index)/\(file.name)", file.contents)) }
        }
        let findings = try PSCheck.findings(paths)
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test func multiNICSettingsReachTheirParameters() throws {
        let file = try #require(try Self.scripts(try Self.manifest(["xplat-get-deployment-multi-nic.xml"])).first)
        let calls = try Self.calls(file)
        let nics = Self.call(calls, "Add-AzureNetworkInterfaceConfig")
        #expect(nics.map { Self.string($0, "Name") } == ["CliTestNicVm1", "CliTestNicVm2"])
        #expect(nics.allSatisfy { Self.string($0, "SubnetName") == "CliTestSubnetVm82" && !$0.has("IPForwarding") })
        #expect(Self.call(calls, "Set-AzureSubnet").first?.value("SubnetNames")?.strings == ["CliTestSubnetVm82"])
        #expect(Self.string(Self.call(calls, "New-AzureVMConfig").first, "InstanceSize") == "ExtraLarge")
        #expect(Self.call(calls, "New-AzureVM").filter { $0.raw("VNetName") == "$VNetName" }.count == 2)
        #expect(file.contents.contains("[string] $VNetName = 'CliTestVnetVm486'"))
        #expect(file.contents.contains("[string] $ServiceName = 'ClitestVmVnet7436'"))
    }

    @Test func loadBalancedSetsProbesDirectServerReturnAndIdleTimeoutReachAddAzureEndpoint() throws {
        let file = try #require(try Self.scripts(try Self.manifest(["xplat-get-role-lbsets-probes-dsr.xml"])).first)
        let endpoints = Self.call(try Self.calls(file), "Add-AzureEndpoint")
        #expect(endpoints.map { Self.string($0, "Name") } == ["EndptN", "tcp-28-28", "tcp-29-29"])
        let first = endpoints[0]
        #expect(Self.string(first, "LBSetName") == "LbSetTestN")
        #expect(Self.string(first, "ProbeProtocol") == "tcp")
        #expect(first.value("ProbePort") == .number(4444))
        #expect(first.raw("DirectServerReturn") == "$true")
        #expect(!first.has("ProbePath"))
        #expect(
            !endpoints[1].has("LBSetName") && !endpoints[1].has("ProbePort") && !endpoints[1].has("DirectServerReturn"))
        let third = endpoints[2]
        #expect(Self.string(third, "ProbeProtocol") == "http")
        #expect(Self.string(third, "ProbePath") == "/prob/listner2")
        #expect(third.value("IdleTimeoutInMinutes") == .number(15))
        #expect(
            third.value("ProbeIntervalInSeconds") == .number(15) && third.value("ProbeTimeoutInSeconds") == .number(31))
        // The cloud service was not in a Get Role: the parameter is mandatory.
        #expect(file.contents.contains("[Parameter(Mandatory)] [string] $ServiceName,"))
    }

    @Test func aProbeWithoutASetBecomesAOneVMSetWithItsACL() throws {
        let file = try #require(
            try Self.scripts(try Self.manifest(["xplat-get-role-probe-acl-idle-timeout.xml"])).first)
        let calls = try Self.calls(file)
        let endpoint = try #require(Self.call(calls, "Add-AzureEndpoint").first)
        #expect(Self.string(endpoint, "LBSetName") == "Endpt")
        #expect(Self.string(endpoint, "ProbePath") == "/prob/listner1")
        #expect(endpoint.raw("ACL") == "$acl0")
        let rule = try #require(Self.call(calls, "Set-AzureAclConfig").first)
        #expect(Self.string(rule, "Action") == "Permit")
        #expect(Self.string(rule, "RemoteSubnet") == "23.99.18.228/31")
        #expect(rule.value("Order") == .number(1))
        #expect(Self.string(rule, "Description") == "testing")
        #expect(file.contents.contains("becomes the one-VM set 'Endpt'"))
    }

    @Test func internalLoadBalancerStaticIPAndACLReachTheirParameters() throws {
        let file = try #require(
            try Self.scripts(try Self.manifest(["xplat-get-deployment-ilb-lbset-static-ip-acl.xml"])).first)
        let calls = try Self.calls(file)
        let ilb = try #require(Self.call(calls, "New-AzureInternalLoadBalancerConfig").first)
        #expect(Self.string(ilb, "InternalLoadBalancerName") == "VM2-27174093-ilb")
        #expect(Self.string(ilb, "SubnetName") == "ClassicSubnet-2717")
        #expect(Self.string(ilb, "StaticVNetIPAddress") == "10.0.0.4")
        #expect(Self.call(calls, "New-AzureVM").filter { $0.raw("InternalLoadBalancerConfig") == "$ilb0" }.count == 2)
        #expect(
            Self.string(Self.call(calls, "Add-AzureInternalLoadBalancer").first, "StaticVNetIPAddress") == "10.0.0.4")
        #expect(Self.string(Self.call(calls, "Set-AzureStaticVNetIP").first, "IPAddress") == "10.0.0.102")
        let set = try #require(
            Self.call(calls, "Add-AzureEndpoint", where: { Self.string($0, "Name") == "LBSet-2717" }).first)
        #expect(set.value("ProbeTimeoutInSeconds") == .number(30))
        #expect(set.value("ProbePort") == .number(4243))
        #expect(Self.string(Self.call(calls, "Set-AzureAclConfig").first, "Description") == "SharePoint ACL config")
    }

    @Test func reservedIPReachesNewAzureVMAndIsCheckedFirst() throws {
        let reserved = """
            <ReservedIPs xmlns="http://schemas.microsoft.com/windowsazure"><ReservedIP><Name>clitestrip9859</Name>\
            <Address>40.117.92.121</Address><State>Created</State><InUse>true</InUse><ServiceName>clitestvm464</ServiceName>\
            <Location>East US</Location></ReservedIP></ReservedIPs>
            """
        let manifest = try Self.manifest(["xplat-get-deployment-reserved-ip.xml"], extra: [("rips.xml", reserved)])
        let file = try #require(try Self.scripts(manifest).first)
        let calls = try Self.calls(file)
        #expect(file.contents.contains("[string] $ReservedIPName = 'clitestrip9859'"))
        #expect(file.contents.contains("[string] $Location = 'East US'"))
        #expect(Self.call(calls, "New-AzureVM").filter { $0.raw("ReservedIPName") == "$ReservedIPName" }.count == 2)
        #expect(Self.call(calls, "Get-AzureReservedIP").first?.raw("ReservedIPName") == "$ReservedIPName")
        #expect(file.contents.contains("'40.117.92.121'"))
    }

    @Test func constructedDeploymentSettingsAllReachTheScript() throws {
        let files = try Self.scripts(try Self.manifest(["constructed-get-deployment-lbset-ilb-multivip-pip-nics.xml"]))
        #expect(files.map(\.name) == ["web01.ps1", "web02.ps1"])
        let calls = try Self.calls(files[0])
        let config = try #require(Self.call(calls, "New-AzureVMConfig").first)
        #expect(Self.string(config, "AvailabilitySetName") == "web-avset")
        #expect(Self.string(config, "HostCaching") == "ReadWrite")
        let disks = Self.call(calls, "Add-AzureDataDisk")
        #expect(disks.map { $0.value("LUN") } == [.number(0), .number(1)])
        #expect(disks.allSatisfy { $0.value("Import") == .bool(true) })
        #expect(disks.map { Self.string($0, "HostCaching") } == ["None", "ReadOnly"])
        #expect(
            Self.string(Self.call(calls, "Set-AzureNetworkSecurityGroupConfig").first, "NetworkSecurityGroupName")
                == "web-nsg")
        let nic = try #require(Self.call(calls, "Add-AzureNetworkInterfaceConfig").first)
        #expect(Self.string(nic, "StaticVNetIPAddress") == "10.0.2.4" && Self.string(nic, "IPForwarding") == "Enabled")
        // The NSG belongs to the primary NIC only, and Vip2 holds no reserved IP: nothing is inherited.
        #expect(!nic.has("NetworkSecurityGroup"))
        #expect(Self.call(calls, "Set-AzureReservedIPAssociation").isEmpty)
        let pip = try #require(Self.call(calls, "Set-AzurePublicIP").first)
        #expect(Self.string(pip, "PublicIPName") == "web01-pip" && pip.value("IdleTimeoutInMinutes") == .number(10))
        #expect(Self.string(pip, "DomainNameLabel") == "web01pip")
        let http = try #require(
            Self.call(calls, "Add-AzureEndpoint", where: { Self.string($0, "Name") == "HTTP" }).first)
        #expect(Self.string(http, "LoadBalancerDistribution") == "sourceIP")
        #expect(Self.string(http, "LBSetName") == "web-lbset")
        #expect(Self.call(calls, "Set-AzureAclConfig").map { Self.string($0, "Action") } == ["Permit", "Deny"])
        let ilb = try #require(
            Self.call(calls, "Add-AzureEndpoint", where: { Self.string($0, "Name") == "App-ILB" }).first)
        #expect(Self.string(ilb, "InternalLoadBalancerName") == "app-ilb")
        #expect(ilb.raw("VM") == "$vm")
        // The endpoint on the second VIP waits for the deployment and the VIP.
        let vip2 = try #require(
            Self.call(calls, "Add-AzureEndpoint", where: { Self.string($0, "Name") == "HTTPS-Vip2" }).first)
        #expect(Self.string(vip2, "VirtualIPName") == "Vip2")
        #expect(vip2.raw("VM") == "$vmContext")
        #expect(Self.string(Self.call(calls, "Add-AzureVirtualIP").first, "VirtualIPName") == "Vip2")
        #expect(Self.call(calls, "Update-AzureVM").count == 1)
        #expect(files[0].contents.contains("[string] $ReservedIPName = 'contoso-web-rip'"))
        // web02 shares the load-balanced set and the ILB, but has no extra VIP endpoint.
        let web02 = try Self.calls(files[1])
        #expect(
            Self.call(web02, "Add-AzureEndpoint").map { Self.string($0, "LBSetName") } == ["web-lbset", "app-ilb-set"])
        #expect(Self.call(web02, "Update-AzureVM").isEmpty)
        #expect(Self.string(Self.call(web02, "Set-AzureStaticVNetIP").first, "IPAddress") == "10.0.1.5")
    }

    /// One special setting of each remaining fixture, seen at its parameter.
    @Test(arguments: [
        (
            "xplat-get-deployment-instance-public-ip.xml", "clitestvm2208", "Set-AzurePublicIP", "PublicIPName",
            "publicip"
        ),
        ("xplat-get-role-instance-public-ip.xml", "clitestvm2208", "Set-AzurePublicIP", "PublicIPName", "publicip"),
        ("xplat-get-deployment-data-disks-lun.xml", "DndTestXpla", "Add-AzureDataDisk", "LUN", "0,1"),
        (
            "xplat-get-deployment-ilb-no-endpoints.xml", "clitestvmVnet1545", "New-AzureInternalLoadBalancerConfig",
            "StaticVNetIPAddress", "10.1.0.19"
        ),
        ("xplat-get-role-static-vnet-ip.xml", "clitestvm5367", "Set-AzureStaticVNetIP", "IPAddress", "10.4.0.4"),
        (
            "jclouds-get-role-nsg.xml", "testvnetsg02", "Set-AzureNetworkSecurityGroupConfig",
            "NetworkSecurityGroupName", "vnetnsgsg01"
        ),
        (
            "jclouds-get-deployment-vnet.xml", "node1855162607153993262-b26", "Set-AzureSubnet", "SubnetNames",
            "Subnet-1"
        ),
        ("libcloud-get-hosted-service-embed-detail.xml", "oddkinz2", "Add-AzureEndpoint", "PublicPort", "57706"),
        (
            "constructed-restore-config-persistentvmrole-utf16-padded.xml", "ClitestVm2805", "Add-AzureEndpoint",
            "LBSetName", "LbSetTestN,LbSetTest2"
        ),
        (
            "doc-derived-go-sdk-create-deployment-request.xml", "name-of-the-virtual-machine", "New-AzureDns",
            "IPAddress", "dns-ip-address"
        ),
    ])
    func eachFixturesSpecialSettingReachesItsParameter(
        fixture: String, vm: String, command: String, parameter: String, expected: String
    ) throws {
        let file = try #require(try Self.scripts(try Self.manifest([fixture])).first { $0.name == "\(vm).ps1" })
        let values = Self.call(try Self.calls(file), command).compactMap {
            $0.value(parameter)?.strings.joined(separator: "+")
        }
        #expect(values.joined(separator: ",") == expected)
    }

    @Test(arguments: [
        "xplat-get-deployment-multi-nic.xml", "xplat-get-role-lbsets-probes-dsr.xml",
        "xplat-get-deployment-reserved-ip.xml",
        "xplat-get-deployment-ilb-lbset-static-ip-acl.xml",
        "constructed-get-deployment-lbset-ilb-multivip-pip-nics.xml",
    ])
    func matchTheGoldenFiles(fixture: String) throws {
        let golden = Paths.repository.appendingPathComponent("Tests/ScriptGenTests/Golden/classic")
            .appendingPathComponent(String(fixture.dropLast(".xml".count)))
        let files = try Self.scripts(try Self.manifest([fixture]))
        #expect(!files.isEmpty)
        for file in files {
            let mismatch = try Golden.mismatch(file.contents, golden: golden.appendingPathComponent(file.name))
            #expect(mismatch == nil, "\(mismatch ?? "")")
        }
    }

    @Test func sameManifestGivesTheSameBytes() throws {
        let manifest = try Self.manifest(["constructed-get-deployment-lbset-ilb-multivip-pip-nics.xml"])
        #expect(try Self.scripts(manifest) == (try Self.scripts(manifest)))
    }
}
