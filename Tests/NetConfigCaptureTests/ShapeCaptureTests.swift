import Foundation
import NetConfigCapture
import RewireModel
import RewireTestSupport
import Testing

@Suite("Capture of ARM, Azure CLI and PowerShell shapes")
struct ShapeCaptureTests {
    @Test func armAndAzureCLIExportsOfTheExampleGiveTheSameManifest() throws {
        var arm = try capture(files: exampleFiles("arm"))
        var cli = try capture(files: exampleFiles("azcli"))
        arm.findings = []
        cli.findings = []
        #expect(arm == cli)
        #expect(arm.virtualMachines.map(\.name) == ["web01", "web02"])
    }

    @Test func joinsTheExampleEstateVMToNICsToPoolsNATRulesAndPublicIPs() throws {
        let manifest = try capture(files: exampleFiles("azcli"))
        #expect(manifest.findings.filter { $0.severity != .info }.isEmpty)
        let web01 = try #require(manifest.virtualMachines.first { $0.name == "web01" })
        #expect(web01.networkInterfaces.map { ResourceID($0.id)?.name } == ["nic-web01", "nic-web01-mgmt"])
        #expect(web01.networkInterfaces.map(\.primary) == [true, false])
        let mgmt = try #require(manifest.networkInterfaces.first { $0.name == "nic-web01-mgmt" })
        #expect(mgmt.ipConfigurations.map(\.privateIPAllocationMethod) == [.static, .static])
        #expect(mgmt.ipConfigurations.map(\.privateIPAddress) == ["10.10.3.10", "10.10.3.11"])
        let web02nic = try #require(manifest.networkInterfaces.first { $0.name == "nic-web02" })
        #expect(web02nic.ipConfigurations[0].loadBalancerInboundNatRuleIds.first?.hasSuffix("nat-ssh-web02") == true)
        let pip = try #require(manifest.publicIPAddresses.first { $0.name == "pip-web02" })
        #expect(pip.allocationMethod == .static && pip.domainNameLabel != nil && pip.ipAddress == "20.61.15.20")
    }

    /// `Get-AzVM | ConvertTo-Json -Depth 10` and `Get-AzNetworkInterface | ConvertTo-Json -Depth 10`:
    /// PascalCase, no `properties` wrapper, SDK enums as numbers.
    static let powerShellVM = """
        {
          "ResourceGroupName": "RG-APP",
          "Id": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/RG-APP/providers/Microsoft.Compute/virtualMachines/app01",
          "VmId": "7e0c3b8e-0000-0000-0000-000000000000",
          "Name": "app01",
          "Type": "Microsoft.Compute/virtualMachines",
          "Location": "northeurope",
          "LicenseType": null,
          "Tags": {"env": "prod"},
          "AvailabilitySetReference": null,
          "HardwareProfile": {"VmSize": "Standard_D4s_v5", "VmSizeProperties": null},
          "StorageProfile": {
            "ImageReference": null,
            "OsDisk": {"OsType": 0, "Name": "app01-os", "Caching": 2, "DiskSizeGB": 128,
                       "ManagedDisk": {"StorageAccountType": "Premium_LRS", "Id": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/RG-APP/providers/Microsoft.Compute/disks/app01-os"}},
            "DataDisks": [{"Lun": 3, "Name": "app01-data", "Caching": 1, "DiskSizeGB": 512,
                           "ManagedDisk": {"StorageAccountType": "Premium_LRS", "Id": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/RG-APP/providers/Microsoft.Compute/disks/app01-data"}}]
          },
          "NetworkProfile": {"NetworkInterfaces": [
            {"Primary": true, "DeleteOption": null, "Id": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/RG-APP/providers/Microsoft.Network/networkInterfaces/APP01-NIC"}
          ]},
          "Zones": ["2"]
        }
        """

    static let powerShellNIC = """
        {
          "Name": "app01-nic",
          "ResourceGroupName": "rg-app",
          "Location": "northeurope",
          "Id": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/providers/Microsoft.Network/networkInterfaces/app01-nic",
          "Tag": null,
          "VirtualMachine": {"Id": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/app01"},
          "IpConfigurations": [{
            "Name": "ipconfig1",
            "PrivateIpAddress": "10.1.0.10",
            "PrivateIpAllocationMethod": "Static",
            "PrivateIpAddressVersion": "IPv4",
            "Subnet": {"Id": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app"},
            "PublicIpAddress": null,
            "LoadBalancerBackendAddressPools": [{"Id": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/providers/Microsoft.Network/loadBalancers/ilb-app/backendAddressPools/pool-app"}],
            "LoadBalancerInboundNatRules": [],
            "ApplicationSecurityGroups": [{"Id": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/providers/Microsoft.Network/applicationSecurityGroups/asg-app"}],
            "Primary": true
          }],
          "DnsSettings": {"DnsServers": ["10.1.2.4", "10.1.2.5"], "AppliedDnsServers": []},
          "EnableAcceleratedNetworking": false,
          "EnableIPForwarding": true,
          "NetworkSecurityGroup": null,
          "Primary": true
        }
        """

    @Test func readsPowerShellConvertToJsonWithPascalCaseAndNumericEnums() throws {
        let manifest = try capture([("vm.json", Self.powerShellVM), ("nic.json", Self.powerShellNIC)])
        let vm = try #require(manifest.virtualMachines.first)
        #expect(vm.resourceGroup == "RG-APP" && vm.size == "Standard_D4s_v5" && vm.osType == .windows)
        #expect(vm.osDisk.caching == "ReadWrite" && vm.dataDisks.map(\.caching) == ["ReadOnly"])
        #expect(vm.dataDisks.map(\.lun) == [3] && vm.zone == "2" && vm.tags == ["env": "prod"])
        // The VM names its NIC in upper case: ARM ids compare case-insensitively.
        let nic = try #require(manifest.networkInterfaces.first)
        #expect(nic.name == "app01-nic")
        #expect(!manifest.findings.contains { $0.code == "reference.missing.networkInterface" })
        #expect(nic.enableIPForwarding && nic.dnsServers == ["10.1.2.4", "10.1.2.5"])
        #expect(nic.ipConfigurations[0].privateIPAllocationMethod == .static)
        #expect(nic.ipConfigurations[0].applicationSecurityGroupIds.count == 1)
    }

    @Test func explainsAPowerShellExportTruncatedByTheDefaultDepth() throws {
        let truncated = Self.powerShellNIC.replacingOccurrences(
            of: #""Subnet": {"Id": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app"}"#,
            with: #""Subnet": "Microsoft.Azure.Commands.Network.Models.PSSubnet""#)
        #expect(truncated != Self.powerShellNIC)
        let error = try #require(throws: CaptureError.self) { try capture([("nic.json", truncated)]) }
        #expect(error.description.contains("-Depth"))
        #expect(error.description.contains("$.IpConfigurations[0].Subnet"))
    }

    @Test func readsUTF16WithBOMAsWindowsPowerShellOutFileWritesIt() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in Self.powerShellNIC.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        var capture = Capture()
        try capture.add(file: "nic-utf16.json", bytes: bytes)
        #expect(try capture.finish().networkInterfaces.first?.name == "app01-nic")
    }

    @Test func capturesOnlyTheNamedVMAndWhatItReferences() throws {
        let manifest = try capture(files: exampleFiles("arm"), vms: ["WEB02"])
        #expect(manifest.virtualMachines.map(\.name) == ["web02"])
        #expect(manifest.networkInterfaces.map(\.name) == ["nic-web02"])
        #expect(manifest.publicIPAddresses.map(\.name).sorted() == ["pip-lb-web", "pip-web02"])
        #expect(manifest.loadBalancers.map(\.name) == ["lb-web"])
    }

    @Test func refusesAVMNameThatIsNotInTheInput() throws {
        let error = try #require(throws: CaptureError.self) { try capture(files: exampleFiles("arm"), vms: ["web99"]) }
        #expect(error.code == .empty)
    }

    @Test func marksTheFirstNICPrimaryAndSaysSoWhenNoneIsMarked() throws {
        let vm = Self.powerShellVM.replacingOccurrences(of: "\"Primary\": true, ", with: "")
            .replacingOccurrences(
                of: #"{"DeleteOption": null, "Id": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/RG-APP/providers/Microsoft.Network/networkInterfaces/APP01-NIC"}"#,
                with: #"{"Id": "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/a"}, {"Id": "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/b"}"#)
        let manifest = try capture([("vm.json", vm)])
        #expect(manifest.virtualMachines[0].networkInterfaces.map(\.primary) == [true, false])
        #expect(manifest.findings.contains { $0.code == "vm.primary-nic.unmarked" })
    }
}
