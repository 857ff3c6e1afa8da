import Foundation
import NetConfigCapture
import RewireModel
import Testing

/// Classic capture against every recorded and constructed fixture, the join across documents,
/// and the errors a user sees for documents rewire does not read.
@Suite struct ClassicCaptureTests {
    static let wa = XMLNamespace.windowsAzure

    static func document(_ name: String) throws -> ClassicDocument {
        try ClassicCapture.document(from: try ClassicFixtures.bytes(name), file: name)
    }

    static func resolve(_ names: [String], extra: [(String, String)] = []) throws -> ClassicResolution {
        var estate = ClassicEstate()
        for name in names { try estate.add(file: name, bytes: try ClassicFixtures.bytes(name)) }
        for (file, text) in extra { try estate.add(file: file, bytes: Array(text.utf8)) }
        return estate.resolve(subscriptionId: "00000000-0000-0000-0000-00000000cafe")
    }

    static func vm(_ resolution: ClassicResolution, _ name: String) throws -> (VirtualMachine, ClassicVMSettings) {
        let vm = try #require(resolution.virtualMachines.first { $0.value.name == name }?.value, "no VM \(name)")
        return (vm, try #require(vm.classic))
    }

    static func codes(_ resolution: ClassicResolution) -> Set<String> { Set(resolution.findings.map(\.code)) }

    // MARK: Every fixture

    @Test func theFixtureFolderHoldsEveryClassicFixture() {
        #expect(ClassicFixtures.allXMLFiles.count == 22)
    }

    @Test(arguments: ClassicFixtures.allXMLFiles)
    func everyFixtureCapturesIntoVMsOrNetworkData(name: String) throws {
        let document = try Self.document(name)
        let resolution = try Self.resolve([name])
        switch document.kind {
        case .getDeployment, .getCloudServiceProperties, .getRole, .restoreConfigBlob:
            #expect(!document.virtualMachines.isEmpty)
            #expect(resolution.virtualMachines.count == document.virtualMachines.count)
            for entry in resolution.virtualMachines {
                #expect(entry.value.classic != nil)
                #expect(entry.location.file == name)
                #expect(entry.location.line != nil)
            }
        case .reservedIPs:
            #expect(!document.reservedIPs.isEmpty)
            #expect(Self.codes(resolution).contains("classic.reserved-ip.unused"))
        case .networkConfiguration, .virtualNetworkSites:
            #expect(!document.virtualNetworkSites.isEmpty)
            #expect(Self.codes(resolution).contains("classic.virtual-network.unused"))
        }
        // Serialises through the canonical writer (the manifest path) without secrets.
        let encoded = String(decoding: try CanonicalJSON.encode(resolution.virtualMachines.map(\.value)), as: UTF8.self)
        #expect(!encoded.contains("administrator-password"))
        #expect(!encoded.contains("password-for-the-user-name"))
    }

    // MARK: Special settings per fixture

    @Test func capturesSecondaryNICsOfTheMultiNICDeployment() throws {
        let (vm, classic) = try Self.vm(try Self.resolve(["xplat-get-deployment-multi-nic.xml"]), "ClitestVmVnet7436")
        #expect(classic.cloudService == "ClitestVmVnet7436")
        #expect(vm.resourceGroup == "ClitestVmVnet7436")
        #expect(
            vm.id
                == "/subscriptions/00000000-0000-0000-0000-00000000cafe/resourceGroups/ClitestVmVnet7436/providers/Microsoft.ClassicCompute/virtualMachines/ClitestVmVnet7436"
        )
        #expect(vm.size == "ExtraLarge")
        #expect(vm.osType == .linux)
        #expect(vm.networkInterfaces.isEmpty)
        #expect(classic.virtualNetworkName == "CliTestVnetVm486")
        #expect(classic.primaryNetworkInterface.subnetNames == ["CliTestSubnetVm82"])
        #expect(classic.primaryNetworkInterface.currentIPAddress == "10.0.0.4")
        #expect(
            classic.secondaryNetworkInterfaces == [
                ClassicNetworkInterface(
                    name: "CliTestNicVm1", subnetName: "CliTestSubnetVm82", ipForwarding: false,
                    macAddress: "000D3A3097C8",
                    currentIPAddress: "10.0.0.5"),
                ClassicNetworkInterface(
                    name: "CliTestNicVm2", subnetName: "CliTestSubnetVm82", ipForwarding: false,
                    macAddress: "000D3A3092B3",
                    currentIPAddress: "10.0.0.6"),
            ])
    }

    @Test func capturesInternalLoadBalancerLoadBalancedSetStaticIPAndACL() throws {
        let (_, classic) = try Self.vm(
            try Self.resolve(["xplat-get-deployment-ilb-lbset-static-ip-acl.xml"]), "VM2-2717")
        #expect(classic.virtualNetworkName == "Group test-roman-group ClassicVNet-2717")
        #expect(classic.primaryNetworkInterface.subnetNames == ["ClassicSubnet-2717"])
        #expect(classic.primaryNetworkInterface.staticVirtualNetworkIPAddress == "10.0.0.102")
        #expect(
            classic.deployment?.internalLoadBalancers == [
                ClassicInternalLoadBalancer(
                    name: "VM2-27174093-ilb", subnetName: "ClassicSubnet-2717",
                    staticVirtualNetworkIPAddress: "10.0.0.4")
            ])
        let set = try #require(classic.inputEndpoints.first { $0.name == "LBSet-2717" })
        #expect(set.loadBalancedEndpointSetName == "LBSet-2717")
        #expect(set.port == 4242 && set.localPort == 4242 && set.protocol == .tcp)
        // <Path/> is an empty TCP path; TimeoutInSeconds 30 is kept, not the default 31.
        #expect(
            set.probe
                == ClassicLoadBalancerProbe(
                    protocol: .tcp, port: 4243, path: nil, intervalInSeconds: 15, timeoutInSeconds: 30))
        #expect(set.idleTimeoutInMinutes == 4)
        #expect(set.loadBalancerDistribution == .none)
        #expect(set.vip == "52.160.91.103")
        let ssh = try #require(classic.inputEndpoints.first { $0.name == "SSH" })
        #expect(ssh.loadBalancedEndpointSetName == nil)
        #expect(
            ssh.accessControlList == [
                ClassicAccessControlRule(
                    order: 100, action: .permit, remoteSubnet: "10.0.0.0/8", description: "SharePoint ACL config")
            ])
    }

    @Test func dataDiskWithoutLunIsLunZero() throws {
        let (vm, classic) = try Self.vm(try Self.resolve(["xplat-get-deployment-data-disks-lun.xml"]), "DndTestXpla")
        #expect(classic.dataDisks.map(\.lun) == [0, 1])
        #expect(
            classic.dataDisks.map(\.diskName) == [
                "DndTestXpla-DndTestXpla-0-201502250721410191", "DndTestXpla-DndTestXpla-1-201502250723100443",
            ])
        #expect(classic.dataDisks.allSatisfy { $0.hostCaching == "ReadOnly" && $0.sizeGB == 5 })
        #expect(vm.dataDisks.map(\.lun) == [0, 1])
        #expect(vm.dataDisks.first?.vhdUri == "https://acsforsdk2.blob.core.windows.net/disks/ToTestDisk.vhd")
        #expect(vm.osType == .windows)
        #expect(classic.osDisk.os == .windows)
        #expect(classic.primaryNetworkInterface.subnetNames.isEmpty)
    }

    @Test func capturesTheDeploymentReservedIP() throws {
        let (_, classic) = try Self.vm(try Self.resolve(["xplat-get-deployment-reserved-ip.xml"]), "clitestvm464")
        let deployment = try #require(classic.deployment)
        #expect(deployment.reservedIPName == "clitestrip9859")
        #expect(
            deployment.virtualIPs == [
                ClassicVirtualIP(
                    name: "clitestrip9859", address: "40.117.92.121", isDnsProgrammed: true, isReserved: true,
                    reservedIPName: "clitestrip9859")
            ])
        #expect(deployment.referencedReservedIPNames == ["clitestrip9859"])
    }

    @Test func capturesTheInstancePublicIPWithItsAddressAndNilLabel() throws {
        let (_, classic) = try Self.vm(
            try Self.resolve(["xplat-get-deployment-instance-public-ip.xml"]), "clitestvm2208")
        #expect(classic.instancePublicIPs == [ClassicInstancePublicIP(name: "publicip", address: "52.160.102.34")])
        #expect(classic.inputEndpoints.isEmpty)
    }

    @Test func capturesTheDeploymentInternalLoadBalancerWithoutEndpoints() throws {
        let (_, classic) = try Self.vm(
            try Self.resolve(["xplat-get-deployment-ilb-no-endpoints.xml"]), "clitestvmVnet1545")
        #expect(
            classic.deployment?.internalLoadBalancers == [
                ClassicInternalLoadBalancer(
                    name: "testload", subnetName: "Subnet-1", staticVirtualNetworkIPAddress: "10.1.0.19")
            ])
        #expect(classic.virtualNetworkName == "CliGtTestVnet4771")
    }

    @Test func capturesLoadBalancedSetsProbesAndDirectServerReturnFromGetRole() throws {
        let resolution = try Self.resolve(["xplat-get-role-lbsets-probes-dsr.xml"])
        let (vm, classic) = try Self.vm(resolution, "ClitestVm2805")
        #expect(classic.source == .getRole)
        #expect(classic.cloudService == nil)
        #expect(vm.resourceGroup == ClassicEstate.unknownSegment)
        #expect(Self.codes(resolution).contains("classic.cloud-service.unknown"))
        #expect(
            classic.inputEndpoints == [
                ClassicInputEndpoint(
                    name: "EndptN", protocol: .tcp, port: 27, localPort: 27, loadBalancedEndpointSetName: "LbSetTestN",
                    probe: ClassicLoadBalancerProbe(protocol: .tcp, port: 4444), enableDirectServerReturn: true),
                ClassicInputEndpoint(name: "tcp-28-28", protocol: .tcp, port: 28, localPort: 28),
                ClassicInputEndpoint(
                    name: "tcp-29-29", protocol: .tcp, port: 29, localPort: 29,
                    loadBalancedEndpointSetName: "LbSetTest2",
                    probe: ClassicLoadBalancerProbe(protocol: .http, port: 4222, path: "/prob/listner2"),
                    idleTimeoutInMinutes: 15),
            ])
    }

    @Test func keepsAProbeWithoutASetNameAndTheACL() throws {
        let (_, classic) = try Self.vm(try Self.resolve(["xplat-get-role-probe-acl-idle-timeout.xml"]), "clitestvm2672")
        let endpoint = try #require(classic.inputEndpoints.first)
        #expect(endpoint.loadBalancedEndpointSetName == nil)
        #expect(endpoint.probe == ClassicLoadBalancerProbe(protocol: .http, port: 4333, path: "/prob/listner1"))
        #expect(endpoint.enableDirectServerReturn)
        #expect(endpoint.idleTimeoutInMinutes == 15)
        #expect(
            endpoint.accessControlList == [
                ClassicAccessControlRule(
                    order: 1, action: .permit, remoteSubnet: "23.99.18.228/31", description: "testing")
            ])
    }

    @Test func capturesTheStaticVNetIPOfGetRole() throws {
        let (_, classic) = try Self.vm(try Self.resolve(["xplat-get-role-static-vnet-ip.xml"]), "clitestvm5367")
        #expect(
            classic.primaryNetworkInterface
                == ClassicPrimaryNetworkInterface(subnetNames: ["Subnet-1"], staticVirtualNetworkIPAddress: "10.4.0.4"))
    }

    @Test func capturesTheInstancePublicIPOfGetRole() throws {
        let (_, classic) = try Self.vm(try Self.resolve(["xplat-get-role-instance-public-ip.xml"]), "clitestvm2208")
        #expect(classic.instancePublicIPs == [ClassicInstancePublicIP(name: "publicip")])
    }

    @Test func readsTheRestoreConfigBlobAsTheRoleItWasMadeFrom() throws {
        let blob = try Self.document("constructed-restore-config-persistentvmrole-utf16-padded.xml")
        let role = try Self.document("xplat-get-role-lbsets-probes-dsr.xml")
        #expect(blob.kind == .restoreConfigBlob)
        var fromBlob = try #require(blob.virtualMachines.first?.value)
        #expect(fromBlob.source == .restoreConfigBlob)
        fromBlob.source = .getRole
        #expect(fromBlob == role.virtualMachines.first?.value)
    }

    @Test func readsARestoreConfigBlobInUTF16LEWithoutBOM() throws {
        let text = String(decoding: try ClassicFixtures.bytes("xplat-get-role-static-vnet-ip.xml"), as: UTF8.self)
        var bytes: [UInt8] = []
        for unit in text.replacingOccurrences(of: "\n", with: "\r\n").utf16 {
            bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        bytes += [UInt8](repeating: 0, count: 512 - bytes.count % 512)
        let document = try ClassicCapture.document(from: bytes, file: "config-vm.xml")
        #expect(document.kind == .restoreConfigBlob)
        #expect(
            document.virtualMachines.first?.value.primaryNetworkInterface.staticVirtualNetworkIPAddress == "10.4.0.4")
    }

    @Test func capturesEverySpecialSettingOfTheConstructedDeployment() throws {
        let resolution = try Self.resolve(["constructed-get-deployment-lbset-ilb-multivip-pip-nics.xml"])
        #expect(resolution.virtualMachines.map(\.value.name) == ["web01", "web02"])
        let (vm, web01) = try Self.vm(resolution, "web01")
        #expect(vm.resourceGroup == "contoso-web")
        #expect(web01.availabilitySetName == "web-avset")
        #expect(web01.primaryNetworkInterface.networkSecurityGroup == "web-nsg")
        #expect(web01.primaryNetworkInterface.staticVirtualNetworkIPAddress == "10.0.1.4")
        #expect(
            web01.secondaryNetworkInterfaces == [
                ClassicNetworkInterface(
                    name: "web01-nic2", subnetName: "BackEnd", staticVirtualNetworkIPAddress: "10.0.2.4",
                    ipForwarding: true,
                    macAddress: "000D3A000001", currentIPAddress: "10.0.2.4")
            ])
        #expect(
            web01.instancePublicIPs == [
                ClassicInstancePublicIP(
                    name: "web01-pip", idleTimeoutInMinutes: 10, domainNameLabel: "web01pip", address: "198.51.100.7",
                    fqdns: ["web01pip.contoso-web.cloudapp.net"])
            ])
        let http = try #require(web01.inputEndpoints.first { $0.name == "HTTP" })
        #expect(http.loadBalancedEndpointSetName == "web-lbset")
        #expect(http.loadBalancerDistribution == .sourceIP)
        #expect(http.idleTimeoutInMinutes == 15)
        #expect(http.probe?.path == "/health")
        #expect(http.accessControlList.map(\.action) == [.permit, .deny])
        let ilb = try #require(web01.inputEndpoints.first { $0.name == "App-ILB" })
        #expect(ilb.internalLoadBalancerName == "app-ilb")
        #expect(ilb.vip == nil)
        let vip2 = try #require(web01.inputEndpoints.first { $0.name == "HTTPS-Vip2" })
        #expect(vip2.virtualIPName == "Vip2")
        let deployment = try #require(web01.deployment)
        #expect(deployment.reservedIPName == "contoso-web-rip")
        #expect(deployment.virtualIPs.map(\.name) == ["contoso-web-rip", "Vip2"])
        #expect(
            deployment.internalLoadBalancers == [
                ClassicInternalLoadBalancer(
                    name: "app-ilb", subnetName: "FrontEnd", staticVirtualNetworkIPAddress: "10.0.1.100")
            ])
        let (_, web02) = try Self.vm(resolution, "web02")
        // Stopped (deallocated): no runtime address, but the static one is configuration.
        #expect(web02.primaryNetworkInterface.currentIPAddress == nil)
        #expect(web02.primaryNetworkInterface.staticVirtualNetworkIPAddress == "10.0.1.5")
        #expect(web02.inputEndpoints.filter { $0.loadBalancedEndpointSetName == "web-lbset" }.count == 1)
        #expect(!Self.codes(resolution).contains("classic.load-balanced-set.inconsistent"))
        #expect(!Self.codes(resolution).contains("classic.reference.missing.internalLoadBalancer"))
        #expect(Self.codes(resolution).contains("classic.nic.public-ip"))
    }

    @Test func capturesTheCloudServiceWithEmbeddedDeploymentsAndItsRegion() throws {
        let resolution = try Self.resolve(["libcloud-get-hosted-service-embed-detail.xml"])
        #expect(resolution.virtualMachines.map(\.value.name) == ["dc03", "oddkinz2"])
        for entry in resolution.virtualMachines {
            #expect(entry.value.location == "North Europe")
            #expect(entry.value.classic?.cloudService == "dcoddkinztest01")
            #expect(entry.value.classic?.deploymentName == "dc03")
            #expect(entry.value.classic?.source == .getCloudServiceProperties)
        }
        let (_, oddkinz2) = try Self.vm(resolution, "oddkinz2")
        #expect(oddkinz2.inputEndpoints.first?.port == 57706)
    }

    @Test func trimsWrappedTextAndReadsTheNSGOfTheHandKeptRole() throws {
        let (vm, classic) = try Self.vm(try Self.resolve(["jclouds-get-role-nsg.xml"]), "testvnetsg02")
        #expect(classic.primaryNetworkInterface.networkSecurityGroup == "vnetnsgsg01")
        #expect(
            vm.osDisk.vhdUri
                == "https://portalvhdsxz8nc6chc32j1.blob.core.windows.net/vhds/testvnetsg02-testvnetsg02-2015-02-18.vhd"
        )
        #expect(classic.inputEndpoints.map(\.name) == ["PowerShell", "Remote Desktop"])
    }

    @Test func readsReservedIPListsAndSingleReservedIPs() throws {
        let list = try Self.document("xplat-list-reserved-ips.xml")
        #expect(list.reservedIPs.map(\.value.name) == ["clitestrip", "MyReservedIP"])
        let inUse = try #require(list.reservedIPs.last?.value)
        #expect(
            inUse
                == ClassicReservedIP(
                    name: "MyReservedIP", address: "23.99.48.225", id: "7bcaca1f-e506-4d11-841d-6e8d6a6c6a12",
                    state: "Created", inUse: true, serviceName: "mywin1", deploymentName: "mywin1",
                    virtualIPName: "MyReservedIP", location: "West US"))
        #expect(list.reservedIPs.first?.value.inUse == false)
        let single = try Self.document("xplat-get-reserved-ip.xml")
        #expect(single.reservedIPs.map(\.value.address) == ["13.88.27.75"])
        #expect(try Self.document("jclouds-list-reserved-ips.xml").reservedIPs.last?.value.label == "jclouds ip2 label")
    }

    @Test func readsTheNetworkConfigurationWithBOMCRLFAndQuotedNames() throws {
        let document = try Self.document("xplat-get-network-configuration.xml")
        #expect(document.kind == .networkConfiguration)
        #expect(document.virtualNetworkSites.count == 22)
        let quoted = try #require(document.virtualNetworkSites.first?.value)
        #expect(quoted.name == "\"my vnet name\"")
        #expect(quoted.location == "East US")
        #expect(quoted.addressPrefixes == ["10.0.0.0/20"])
        #expect(quoted.subnets == [ClassicSubnet(name: "Subnet-1", addressPrefix: "10.0.0.0/23")])
        #expect(quoted.dnsServers == [ClassicDNSServer(name: "dns-cli-1", address: "66.77.88.98")])
        let list = try Self.document("xplat-list-virtual-network-sites.xml")
        #expect(
            list.virtualNetworkSites.first?.value
                == ClassicVirtualNetworkSite(
                    name: "\"my vnet name\"", id: "34ad59e1-da82-449b-870b-4073b2559ea0", location: "East US",
                    addressPrefixes: ["10.0.0.0/20"],
                    subnets: [ClassicSubnet(name: "Subnet-1", addressPrefix: "10.0.0.0/23")],
                    dnsServers: [ClassicDNSServer(name: "dns-cli-1", address: "66.77.88.98")]))
    }

    @Test func readsTheDocumentedRequestWithoutKeepingCredentials() throws {
        let resolution = try Self.resolve(["doc-derived-go-sdk-create-deployment-request.xml"])
        let (_, classic) = try Self.vm(resolution, "name-of-the-virtual-machine")
        let codes = Self.codes(resolution)
        // Two provisioning sets (with passwords) are ignored, not read.
        #expect(resolution.findings.filter { $0.code == "classic.configuration-set.ignored" }.count == 2)
        // Placeholders are reported with their lines: the endpoint protocol and the OS are not values.
        #expect(codes.contains("classic.endpoint.unusable"))
        #expect(codes.contains("classic.os.assumed"))
        #expect(
            resolution.findings.allSatisfy {
                $0.location?.file == "doc-derived-go-sdk-create-deployment-request.xml" && $0.location?.line != nil
            })
        #expect(classic.inputEndpoints.isEmpty)
        #expect(classic.availabilitySetName == "name-of-availability-set")
        #expect(classic.deployment?.reservedIPName == "name-of-reserved-ip")
        #expect(classic.deployment?.dnsServers == [ClassicDNSServer(name: "dns-name", address: "dns-ip-address")])
        #expect(classic.dataDisks.map(\.lun) == [0])
        #expect(
            classic.instancePublicIPs == [ClassicInstancePublicIP(name: "name-of-public-ip", idleTimeoutInMinutes: 11)])
    }

    // MARK: Spellings and case

    static func role(endpoint: String) -> String {
        """
        <PersistentVMRole xmlns="\(wa)"><RoleName>vm1</RoleName><ConfigurationSets><ConfigurationSet>\
        <ConfigurationSetType>networkconfiguration</ConfigurationSetType><InputEndpoints>\(endpoint)</InputEndpoints>\
        </ConfigurationSet></ConfigurationSets><OSVirtualHardDisk><DiskName>d</DiskName><OS>linux</OS></OSVirtualHardDisk>\
        <RoleSize>Small</RoleSize></PersistentVMRole>
        """
    }

    @Test func comparesEnumsCaseInsensitivelyAndAcceptsBothACLSpellings() throws {
        let endpoint = """
            <InputEndpoint><LoadBalancedEndpointSetName>s</LoadBalancedEndpointSetName><LocalPort>80</LocalPort><Name>web</Name>\
            <Port>80</Port><LoadBalancerProbe><Path>/</Path><Port>80</Port><Protocol>HTTP</Protocol></LoadBalancerProbe>\
            <Protocol>TCP</Protocol><EnableDirectServerReturn>True</EnableDirectServerReturn><EndpointACL><Rules>\
            <Rule><Order>20</Order><Action>Deny</Action><RemoteSubnet>0.0.0.0/0</RemoteSubnet></Rule>\
            <Rule><Order>10</Order><Action>PERMIT</Action><RemoteSubnet>192.0.2.0/24</RemoteSubnet></Rule></Rules></EndpointACL>\
            <LoadBalancerDistribution>SOURCEIPPROTOCOL</LoadBalancerDistribution></InputEndpoint>
            """
        let document = try ClassicCapture.document(from: Array(Self.role(endpoint: endpoint).utf8), file: "role.xml")
        let vm = try #require(document.virtualMachines.first?.value)
        #expect(vm.osDisk.os == .linux)
        #expect(
            vm.inputEndpoints == [
                ClassicInputEndpoint(
                    name: "web", protocol: .tcp, port: 80, localPort: 80, loadBalancedEndpointSetName: "s",
                    probe: ClassicLoadBalancerProbe(protocol: .http, port: 80, path: "/"),
                    enableDirectServerReturn: true,
                    accessControlList: [
                        ClassicAccessControlRule(order: 10, action: .permit, remoteSubnet: "192.0.2.0/24"),
                        ClassicAccessControlRule(order: 20, action: .deny, remoteSubnet: "0.0.0.0/0"),
                    ], loadBalancerDistribution: .sourceIPProtocol)
            ])
        #expect(document.findings.isEmpty)
    }

    @Test func reportsAnUnreadableACLRuleAsABlockerWithItsLine() throws {
        let endpoint = """
            <InputEndpoint><LocalPort>80</LocalPort><Name>web</Name><Port>80</Port><Protocol>tcp</Protocol>
            <EndpointAcl><Rules><Rule><Order>first</Order><Action>permit</Action><RemoteSubnet>192.0.2.0/24</RemoteSubnet></Rule></Rules></EndpointAcl></InputEndpoint>
            """
        let document = try ClassicCapture.document(from: Array(Self.role(endpoint: endpoint).utf8), file: "role.xml")
        let blocker = try #require(document.findings.first { $0.code == "classic.acl.unusable" })
        #expect(blocker.severity == .blocker)
        #expect(blocker.vm == "vm1")
        #expect(blocker.location == SourceLocation(file: "role.xml", line: 2))
        #expect(document.findings.contains { $0.code == "classic.value.invalid" && $0.message.contains("'first'") })
    }

    // MARK: Joining documents

    static let reservedIPs = """
        <ReservedIPs xmlns="\(wa)"><ReservedIP><Name>contoso-web-rip</Name><Address>203.0.113.10</Address>\
        <State>Created</State><InUse>true</InUse><ServiceName>contoso-web</ServiceName><Location>West Europe</Location></ReservedIP>\
        <ReservedIP><Name>spare</Name><Address>203.0.113.99</Address><Location>West Europe</Location></ReservedIP></ReservedIPs>
        """

    static let networkConfiguration = """
        <NetworkConfiguration xmlns="\(XMLNamespace.networkConfiguration)"><VirtualNetworkConfiguration>\
        <VirtualNetworkSites><VirtualNetworkSite name="contoso-vnet" Location="North Europe"><AddressSpace>\
        <AddressPrefix>10.0.0.0/16</AddressPrefix></AddressSpace><Subnets><Subnet name="FrontEnd"><AddressPrefix>10.0.1.0/24</AddressPrefix></Subnet>\
        <Subnet name="BackEnd"><AddressPrefix>10.0.3.0/24</AddressPrefix></Subnet></Subnets></VirtualNetworkSite></VirtualNetworkSites>\
        </VirtualNetworkConfiguration></NetworkConfiguration>
        """

    @Test func attachesReservedIPDetailsAndReportsTheUnusedOnes() throws {
        let resolution = try Self.resolve(
            ["constructed-get-deployment-lbset-ilb-multivip-pip-nics.xml"], extra: [("rips.xml", Self.reservedIPs)])
        let (vm, web01) = try Self.vm(resolution, "web01")
        #expect(web01.deployment?.reservedIPs.map(\.address) == ["203.0.113.10"])
        #expect(vm.location == "West Europe")
        let unused = resolution.findings.filter { $0.code == "classic.reserved-ip.unused" }
        #expect(unused.count == 1)
        #expect(unused.first?.message.contains("'spare'") == true)
        #expect(unused.first?.location?.file == "rips.xml")
    }

    @Test func attachesTheVNetAndChecksSubnetsAndStaticIPs() throws {
        let resolution = try Self.resolve(
            ["constructed-get-deployment-lbset-ilb-multivip-pip-nics.xml"],
            extra: [("netcfg.xml", Self.networkConfiguration)])
        let (vm, web01) = try Self.vm(resolution, "web01")
        #expect(web01.virtualNetwork?.subnets.map(\.name) == ["FrontEnd", "BackEnd"])
        #expect(vm.location == "North Europe")
        // web01-nic2 has 10.0.2.4, which is not in BackEnd's 10.0.3.0/24.
        let outside = resolution.findings.filter { $0.code == "classic.static-ip.outside-subnet" }
        #expect(outside.map(\.vm) == ["web01"])
        #expect(outside.first?.message.contains("web01-nic2") == true)
        #expect(!Self.codes(resolution).contains("classic.reference.missing.subnet"))
    }

    @Test func reportsAVNetMissingFromTheNetworkConfiguration() throws {
        let resolution = try Self.resolve(["xplat-get-deployment-multi-nic.xml", "xplat-get-network-configuration.xml"])
        #expect(
            resolution.findings.contains {
                $0.code == "classic.reference.missing.virtualNetwork" && $0.message.contains("CliTestVnetVm486")
            })
    }

    @Test func getDeploymentSupersedesGetRoleOfTheSameVM() throws {
        let role = Self.role(endpoint: "").replacingOccurrences(
            of: "<RoleName>vm1</RoleName>", with: "<RoleName>WEB01</RoleName>")
        let resolution = try Self.resolve(
            ["constructed-get-deployment-lbset-ilb-multivip-pip-nics.xml"], extra: [("role.xml", role)])
        #expect(resolution.virtualMachines.map(\.value.name) == ["web01", "web02"])
        #expect(
            resolution.findings.contains { $0.code == "classic.role.superseded" && $0.location?.file == "role.xml" })
    }

    @Test func getRoleAndConfigBlobOfTheSameVMAreOneVMWithoutConflict() throws {
        let resolution = try Self.resolve([
            "xplat-get-role-lbsets-probes-dsr.xml", "constructed-restore-config-persistentvmrole-utf16-padded.xml",
        ])
        #expect(resolution.virtualMachines.map(\.value.name) == ["ClitestVm2805"])
        #expect(resolution.virtualMachines.first?.value.classic?.source == .getRole)
        #expect(!Self.codes(resolution).contains("input.duplicate-resource"))
        #expect(!Self.codes(resolution).contains("classic.role.superseded"))
    }

    @Test func encodesClassicSettingsOnlyForClassicVMs() throws {
        let resolution = try Self.resolve(["xplat-get-deployment-multi-nic.xml"])
        var vm = try #require(resolution.virtualMachines.first?.value)
        let classicJSON = try CanonicalJSON.encode(vm)
        let decoded = try JSONDecoder().decode(VirtualMachine.self, from: Data(classicJSON))
        #expect(decoded == vm)
        vm.classic = nil
        let armJSON = String(decoding: try CanonicalJSON.encode(vm), as: UTF8.self)
        #expect(!armJSON.contains("\"classic\""))
        #expect(String(decoding: classicJSON, as: UTF8.self).contains("\"classic\""))
    }

    // MARK: Through the capture pipeline

    @Test func captureAutoDetectsClassicXMLAndSelectsClassicVMsByName() throws {
        var capture = Capture(options: CaptureOptions(format: .auto, vmNames: ["web02"]))
        for name in [
            "constructed-get-deployment-lbset-ilb-multivip-pip-nics.xml",
            "constructed-restore-config-persistentvmrole-utf16-padded.xml",
            "xplat-list-reserved-ips.xml",
        ] {
            try capture.add(file: name, bytes: try ClassicFixtures.bytes(name))
        }
        let manifest = try capture.finish()
        #expect(manifest.virtualMachines.map(\.name) == ["web02"])
        #expect(manifest.virtualMachines.first?.classic?.deployment?.internalLoadBalancers.map(\.name) == ["app-ilb"])
        #expect(manifest.findings.contains { $0.code == "classic.reserved-ip.unused" })
        var all = Capture(options: CaptureOptions(format: .classic))
        try all.add(
            file: "blob.xml",
            bytes: try ClassicFixtures.bytes("constructed-restore-config-persistentvmrole-utf16-padded.xml"))
        #expect(try all.finish().virtualMachines.first?.classic?.source == .restoreConfigBlob)
    }

    @Test func captureRefusesClassicXMLUnderAJSONFormat() throws {
        var capture = Capture(options: CaptureOptions(format: .arm))
        let error = try #require(throws: CaptureError.self) {
            try capture.add(file: "dep.xml", bytes: try ClassicFixtures.bytes("xplat-get-deployment-multi-nic.xml"))
        }
        #expect(error.code == .unrecognized)
    }

    @Test func fillsTheRestoreEssentialsOfAClassicConfigBlob() throws {
        let text = String(
            decoding: try ClassicFixtures.bytes("constructed-get-deployment-lbset-ilb-multivip-pip-nics.xml"),
            as: UTF8.self)
        #expect(throws: CaptureError.self) { try ClassicCapture.restoredVMConfig(fromXML: text, file: "dep.xml") }
        let role = String(decoding: try ClassicFixtures.bytes("xplat-get-role-static-vnet-ip.xml"), as: UTF8.self)
        let config = try ClassicCapture.restoredVMConfig(fromXML: role, file: "config.xml")
        #expect(config.format == .classicXML)
        #expect(config.vmSize == "Small")
        #expect(config.osType == "Windows")
        #expect(
            config.osDisk?.vhdUri
                == "https://portalvhds1436339481328.blob.core.windows.net/vhd-store/clitestvm5367-0df26acad8997f98.vhd")
        #expect(config.dataDisks.isEmpty)
    }

    // MARK: Documents rewire does not read

    @Test(arguments: [
        ("<Deployments xmlns=\"http://schemas.microsoft.com/windowsazure\"/>", "found <Deployments>"),
        ("<PersistentVM xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/>", "Export-AzureVM"),
        ("<Deployment xmlns=\"http://example.com/windowsazure\"/>", "found 'http://example.com/windowsazure'"),
        ("<Deployment xmlns=\"https://schemas.microsoft.com/windowsazure\"/>", "rendering artifact"),
        ("<Deployment/>", "found no namespace"),
        (
            "<NetworkConfiguration xmlns=\"http://schemas.microsoft.com/windowsazure\"/>",
            "ServiceHosting/2011/07/NetworkConfiguration"
        ),
    ])
    func refusesWrongRootsAndNamespaces(document: String, expected: String) throws {
        let error = try #require(throws: CaptureError.self) {
            try ClassicCapture.document(from: Array(document.utf8), file: "in.xml")
        }
        #expect(error.code == .unrecognized)
        #expect(error.location == SourceLocation(file: "in.xml", line: 1))
        #expect(error.description.contains(expected), "\(error)")
    }

    @Test func refusesARoleWithoutSizeAsShapeError() throws {
        let document = Self.role(endpoint: "").replacingOccurrences(of: "<RoleSize>Small</RoleSize>", with: "")
        let error = try #require(throws: CaptureError.self) {
            try ClassicCapture.document(from: Array(document.utf8), file: "r.xml")
        }
        #expect(error.code == .shape)
        #expect(error.description == "r.xml:1: expected <RoleSize> in role 'vm1'")
    }

    @Test func malformedXMLIsASyntaxErrorNamingFileLineAndColumn() throws {
        let error = try #require(throws: CaptureError.self) {
            try ClassicCapture.document(
                from: Array("<Deployment xmlns=\"\(Self.wa)\">\n<Name>x</Nmae>".utf8), file: "dep.xml")
        }
        #expect(error.code == .syntax)
        #expect(error.location.line == 2)
        let column = try #require(error.location.column)
        #expect(error.description.hasPrefix("dep.xml:2:\(column): not well-formed XML"))
    }

    @Test func refusesA100MegabyteDocumentWithoutParsingIt() throws {
        let directory = try ClassicTemporaryDirectory()
        let file = directory.url.appendingPathComponent("huge.xml")
        #expect(FileManager.default.createFile(atPath: file.path, contents: nil))
        let handle = try FileHandle(forWritingTo: file)
        let chunk = Data(
            String(repeating: "<Role><RoleName>vm</RoleName></Role>", count: 1024 * 1024 / 36 + 1).utf8.prefix(
                1024 * 1024))
        handle.write(Data("<Deployment xmlns=\"\(Self.wa)\"><RoleList>".utf8))
        for _ in 0..<100 { handle.write(chunk) }
        handle.write(Data("</RoleList></Deployment>".utf8))
        try handle.close()
        let bytes = [UInt8](try Data(contentsOf: file))
        #expect(bytes.count > 100 * 1024 * 1024)
        let clock = ContinuousClock()
        var thrown: CaptureError?
        let elapsed = clock.measure {
            do throws(CaptureError) { _ = try ClassicCapture.document(from: bytes, file: "huge.xml") } catch {
                thrown = error
            }
        }
        let error = try #require(thrown)
        #expect(error.code == .syntax)
        #expect(error.description.contains("more than the \(ClassicCapture.maximumDocumentSize)-byte limit"))
        #expect(elapsed < .milliseconds(100))
    }
}
