import Foundation
import NetConfigCapture
import RewireModel
import RewireTestSupport
import Testing

@Suite("Capture of virtual networks, subnets and storage accounts")
struct NetworkAndStorageCaptureTests {
    static let sub = "/subscriptions/11111111-2222-3333-4444-555555555555"
    static let vnet = "\(sub)/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-app"

    func fixture(_ name: String) throws -> (String, String) {
        let url = try #require(ARMFixtures.resourceExamples().first { $0.lastPathComponent == name })
        return (name, String(decoding: try ARMFixtures.body(of: url), as: UTF8.self))
    }

    // MARK: ARM

    @Test func capturesThePublishedVirtualNetworkWithItsSubnet() throws {
        let manifest = try capture([try fixture("VirtualNetworkGet.json")])
        let network = try #require(manifest.virtualNetworks.first)
        #expect(network.name == "test-vnet" && network.resourceGroup == "rg1" && network.location == "westus")
        #expect(network.addressPrefixes == ["10.0.0.0/16"])
        #expect(network.dnsServers.isEmpty && network.peeredNetworkIds.isEmpty)
        #expect(network.subnets.map(\.name) == ["subnet1"])
        #expect(network.subnets[0].addressPrefixes == ["10.0.1.0/24"])
        #expect(ManifestIndex(manifest).subnet(id: network.subnets[0].id.uppercased())?.network.name == "test-vnet")
    }

    @Test func aSubnetExportedAloneMakesANetworkEntryOfWhatItsIDSays() throws {
        let manifest = try capture([try fixture("SubnetGet.json")])
        let network = try #require(manifest.virtualNetworks.first)
        #expect(network.name == "vnetname" && network.resourceGroup == "subnet-test")
        #expect(network.addressPrefixes.isEmpty && network.location.isEmpty)
        #expect(network.subnets.map(\.addressPrefixes) == [["10.0.0.0/16"]])
        #expect(manifest.findings.map(\.code) == ["input.no-virtual-machines", "virtualNetwork.known-from-subnets"])
    }

    /// `GET .../virtualNetworks/{vnet}` plus `GET .../subnets` of the same network: the list's extra subnet is
    /// merged in, the one the network already has keeps the network's copy.
    @Test func mergesStandaloneSubnetsIntoTheirNetworkSortedByName() throws {
        let network = """
            {"id": "\(Self.vnet)", "name": "vnet-app", "type": "Microsoft.Network/virtualNetworks", "location": "northeurope",
             "tags": {"env": "prod"},
             "properties": {"addressSpace": {"addressPrefixes": ["10.20.0.0/16", "fd00:db8::/48"]},
               "dhcpOptions": {"dnsServers": ["10.20.0.4", "10.20.0.5"]},
               "subnets": [{"name": "web", "id": "\(Self.vnet)/subnets/web", "properties": {"addressPrefix": "10.20.1.0/24",
                 "networkSecurityGroup": {"id": "\(Self.sub)/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-web"}}}],
               "virtualNetworkPeerings": [
                 {"name": "to-spoke", "id": "\(Self.vnet)/virtualNetworkPeerings/to-spoke",
                  "properties": {"peeringState": "Connected", "remoteVirtualNetwork": {"id": "\(Self.sub)/resourceGroups/rg-spoke/providers/Microsoft.Network/virtualNetworks/vnet-spoke"}}},
                 {"name": "to-hub", "id": "\(Self.vnet)/virtualNetworkPeerings/to-hub",
                  "properties": {"peeringState": "Connected", "remoteVirtualNetwork": {"id": "\(Self.sub)/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub"}}}]}}
            """
        let subnets = """
            {"value": [
              {"name": "web", "id": "\(Self.vnet)/subnets/web", "type": "Microsoft.Network/virtualNetworks/subnets",
               "properties": {"addressPrefix": "10.20.99.0/24"}},
              {"name": "Data", "id": "\(Self.vnet)/subnets/Data", "type": "Microsoft.Network/virtualNetworks/subnets",
               "properties": {"addressPrefixes": ["10.20.2.0/24", "fd00:db8:0:2::/64"]}},
              {"name": "AzureBastionSubnet", "id": "\(Self.vnet)/subnets/AzureBastionSubnet",
               "properties": {"addressPrefix": "10.20.250.0/26"}}]}
            """
        let manifest = try capture([("vnet.json", network), ("subnets.json", subnets)])
        let captured = try #require(manifest.virtualNetworks.first)
        #expect(manifest.virtualNetworks.count == 1)
        #expect(captured.addressPrefixes == ["10.20.0.0/16", "fd00:db8::/48"])
        #expect(captured.dnsServers == ["10.20.0.4", "10.20.0.5"])
        #expect(captured.subnets.map(\.name) == ["AzureBastionSubnet", "Data", "web"])
        #expect(captured.subnets[1].addressPrefixes == ["10.20.2.0/24", "fd00:db8:0:2::/64"])
        #expect(captured.subnets[2].addressPrefixes == ["10.20.1.0/24"])  // the network's copy
        #expect(captured.subnets[2].networkSecurityGroupId?.hasSuffix("/nsg-web") == true)
        #expect(captured.peeredNetworkIds.map { ResourceID($0)?.name } == ["vnet-hub", "vnet-spoke"])
        #expect(captured.tags == ["env": "prod"])
    }

    // MARK: Azure CLI and PowerShell

    /// `az network vnet list`: flattened, subnets flattened too, each with `resourceGroup`.
    @Test func capturesAzureCLIVirtualNetworks() throws {
        let list = """
            [{"addressSpace": {"addressPrefixes": ["10.30.0.0/16"]}, "dhcpOptions": {"dnsServers": []},
              "enableDdosProtection": false, "id": "\(Self.vnet)", "location": "westeurope", "name": "vnet-app",
              "provisioningState": "Succeeded", "resourceGroup": "rg-net",
              "subnets": [{"addressPrefix": "10.30.1.0/24", "id": "\(Self.vnet)/subnets/app", "name": "app",
                           "networkSecurityGroup": null, "privateEndpointNetworkPolicies": "Disabled", "provisioningState": "Succeeded",
                           "resourceGroup": "rg-net", "type": "Microsoft.Network/virtualNetworks/subnets"}],
              "tags": {}, "type": "Microsoft.Network/virtualNetworks",
              "virtualNetworkPeerings": [{"id": "\(Self.vnet)/virtualNetworkPeerings/hub", "name": "hub", "peeringState": "Connected",
                "remoteVirtualNetwork": {"id": "\(Self.sub)/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub", "resourceGroup": "rg-hub"},
                "resourceGroup": "rg-net"}]}]
            """
        let network = try #require(try capture([("vnets.json", list)]).virtualNetworks.first)
        #expect(network.subnets.map(\.addressPrefixes) == [["10.30.1.0/24"]])
        #expect(network.subnets[0].networkSecurityGroupId == nil)
        #expect(network.dnsServers.isEmpty)
        #expect(network.peeredNetworkIds.count == 1)
    }

    /// `Get-AzVirtualNetwork | ConvertTo-Json -Depth 10`: PascalCase, `Tag`, and `PSSubnet.AddressPrefix` a list.
    @Test func capturesPowerShellVirtualNetworks() throws {
        let document = """
            {"AddressSpace": {"AddressPrefixes": ["10.40.0.0/16"], "AddressPrefixesText": "[\\n  \\"10.40.0.0/16\\"\\n]"},
             "DhcpOptions": {"DnsServers": ["10.40.0.4"], "DnsServersText": "[\\n  \\"10.40.0.4\\"\\n]"},
             "Subnets": [{"AddressPrefix": ["10.40.1.0/24", "10.40.9.0/24"], "IpConfigurations": [], "NetworkSecurityGroup": null,
                          "ProvisioningState": "Succeeded", "Name": "App", "Etag": "W/\\"1\\"", "Id": "\(Self.vnet)/subnets/App"}],
             "VirtualNetworkPeerings": [], "EnableDdosProtection": false, "ResourceGroupName": "rg-net", "Location": "northeurope",
             "ResourceGuid": "5f0c6d43-5e4e-4b5e-9b1e-1b4f6b0d2a11", "Type": "Microsoft.Network/virtualNetworks",
             "Tag": {"env": "test"}, "TagsTable": null, "Name": "vnet-app", "Etag": "W/\\"1\\"", "Id": "\(Self.vnet)"}
            """
        let network = try #require(try capture([("vnet.json", document)]).virtualNetworks.first)
        #expect(network.location == "northeurope" && network.tags == ["env": "test"])
        #expect(network.addressPrefixes == ["10.40.0.0/16"] && network.dnsServers == ["10.40.0.4"])
        #expect(network.subnets.map(\.addressPrefixes) == [["10.40.1.0/24", "10.40.9.0/24"]])
    }

    // MARK: joins

    @Test func aNICInASubnetNoNetworkOfTheInputHasIsReportedOnlyWhenNetworksWereExported() throws {
        let nic = """
            {"id": "\(Self.sub)/resourceGroups/rg-app/providers/Microsoft.Network/networkInterfaces/nic1", "type": "Microsoft.Network/networkInterfaces",
             "properties": {"ipConfigurations": [{"name": "ipconfig1", "properties": {"primary": true,
               "subnet": {"id": "\(Self.sub)/resourceGroups/rg-other/providers/Microsoft.Network/virtualNetworks/vnet-x/subnets/s"}}}]}}
            """
        let network = """
            {"id": "\(Self.vnet)", "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
             "properties": {"addressSpace": {"addressPrefixes": ["10.20.0.0/16"]}, "subnets": []}}
            """
        #expect(try capture([("nic.json", nic)]).findings.filter { $0.code == "reference.missing.subnet" }.isEmpty)
        let missing = try capture([("nic.json", nic), ("vnet.json", network)]).findings.filter { $0.code == "reference.missing.subnet" }
        #expect(missing.count == 1)
        #expect(missing.first?.location?.path == "$.properties.ipConfigurations[0]")
        #expect(missing.first?.setting == "nic1/ipconfig1.subnet")
    }

    @Test func withVMNamesKeepsOnlyTheNetworksTheirNICsUse() throws {
        let all = try capture(files: exampleFiles("arm"))
        #expect(all.virtualNetworks.map(\.name) == ["vnet-prod"])
        let one = try capture(files: exampleFiles("arm"), vms: ["web02"])
        #expect(one.virtualNetworks.map(\.name) == ["vnet-prod"])
        let unrelated = """
            {"id": "\(Self.vnet)", "type": "Microsoft.Network/virtualNetworks", "location": "westeurope", "properties": {}}
            """
        var capture = Capture(options: CaptureOptions(vmNames: ["web02"]))
        for file in exampleFiles("arm") { try capture.add(file: file.lastPathComponent, bytes: [UInt8](try Data(contentsOf: file))) }
        try capture.add(file: "other.json", bytes: Array(unrelated.utf8))
        #expect(try capture.finish().virtualNetworks.map(\.name) == ["vnet-prod"])
    }

    // MARK: storage accounts

    @Test func capturesStorageAccountsInEachShape() throws {
        let rg = "\(Self.sub)/resourceGroups/rg-st/providers/Microsoft.Storage/storageAccounts"
        let arm = """
            {"id": "\(rg)/starm01", "name": "starm01", "type": "Microsoft.Storage/storageAccounts", "location": "westeurope",
             "kind": "StorageV2", "sku": {"name": "Standard_GRS", "tier": "Standard"},
             "properties": {"networkAcls": {"bypass": "AzureServices, Logging", "virtualNetworkRules": [], "ipRules": [], "defaultAction": "Deny"},
                            "supportsHttpsTrafficOnly": true}}
            """
        let cli = """
            [{"id": "\(rg)/stcli01", "name": "stcli01", "type": "Microsoft.Storage/storageAccounts", "location": "westeurope",
              "kind": "StorageV2", "resourceGroup": "rg-st", "sku": {"name": "Premium_LRS", "tier": "Premium"},
              "networkRuleSet": {"bypass": "AzureServices", "defaultAction": "allow", "ipRules": [], "resourceAccessRules": null,
                                 "virtualNetworkRules": []}}]
            """
        // Get-AzStorageAccount | ConvertTo-Json -Depth 5 (Windows PowerShell): enums as numbers, no Name or Type.
        let powerShell = """
            {"ResourceGroupName": "rg-st", "StorageAccountName": "stps01", "Id": "\(rg)/stps01", "Location": "westeurope",
             "Sku": {"Name": "Standard_LRS", "Tier": 0}, "Kind": 3,
             "NetworkRuleSet": {"Bypass": 5, "DefaultAction": 1, "IpRules": [], "VirtualNetworkRules": []}}
            """
        let manifest = try capture([("arm.json", arm), ("cli.json", cli), ("ps.json", powerShell)])
        let accounts = Dictionary(uniqueKeysWithValues: manifest.storageAccounts.map { ($0.name, $0) })
        #expect(manifest.storageAccounts.map(\.name) == ["starm01", "stcli01", "stps01"])
        #expect(accounts["starm01"]?.sku == "Standard_GRS")
        #expect(accounts["starm01"]?.networkDefaultAction == "Deny")
        #expect(accounts["starm01"]?.networkBypass == ["AzureServices", "Logging"])
        #expect(accounts["stcli01"]?.networkDefaultAction == "Allow" && accounts["stcli01"]?.resourceGroup == "rg-st")
        #expect(accounts["stps01"]?.sku == "Standard_LRS")
        #expect(accounts["stps01"]?.networkBypass == ["Logging", "AzureServices"])
        // Az.Storage renumbered DefaultAction between versions: a number is not guessed at.
        #expect(accounts["stps01"]?.networkDefaultAction == nil)
        let unreadable = try #require(manifest.findings.first { $0.code == "storage.default-action-unreadable" })
        #expect(unreadable.location == SourceLocation(file: "ps.json", path: "$.NetworkRuleSet.DefaultAction"))
    }

    @Test func anAccountWithoutNetworkRulesHasNoDefaultAction() throws {
        let manifest = try capture(files: exampleFiles("arm"))
        #expect(manifest.storageAccounts.isEmpty)
        let seedAccount = """
            {"name": "stwebrestore01", "id": "\(Self.sub)/resourceGroups/rg-backup/providers/Microsoft.Storage/storageAccounts/stwebrestore01",
             "type": "Microsoft.Storage/storageAccounts", "location": "westeurope", "sku": {"name": "Standard_LRS", "tier": "Standard"},
             "properties": {"allowBlobPublicAccess": false}}
            """
        let account = try #require(try capture([("st.json", seedAccount)]).storageAccounts.first)
        #expect(account.networkDefaultAction == nil && account.networkBypass.isEmpty)
    }

    // MARK: wrong types

    struct Bad: Sendable, CustomTestStringConvertible {
        var label: String
        var text: String
        var mentions: [String]
        var testDescription: String { label }
    }

    static let bad: [Bad] = [
        Bad(
            label: "addressSpace a string",
            text: #"{"id": "\#(vnet)", "type": "Microsoft.Network/virtualNetworks", "properties": {"addressSpace": "10.0.0.0/16"}}"#,
            mentions: ["$.properties.addressSpace", "expected addressSpace as an object"]),
        Bad(
            label: "subnets an object",
            text: #"{"id": "\#(vnet)", "type": "Microsoft.Network/virtualNetworks", "properties": {"subnets": {"name": "a"}}}"#,
            mentions: ["$.properties.subnets", "expected an array, found an object"]),
        Bad(
            label: "a DNS server that is an object",
            text: #"{"id": "\#(vnet)", "type": "Microsoft.Network/virtualNetworks", "properties": {"dhcpOptions": {"dnsServers": [{"ip": "10.0.0.4"}]}}}"#,
            mentions: ["$.properties.dhcpOptions.dnsServers[0]", "expected a string, found an object"]),
        Bad(
            label: "a subnet cut off by ConvertTo-Json's default depth",
            text: #"{"Id": "\#(vnet)", "Type": "Microsoft.Network/virtualNetworks", "Subnets": ["Microsoft.Azure.Commands.Network.Models.PSSubnet"]}"#,
            mentions: ["$.Subnets[0]", "-Depth 20"]),
        Bad(
            label: "a subnet prefix list cut off by ConvertTo-Json",
            text: #"{"Id": "\#(vnet)", "Type": "Microsoft.Network/virtualNetworks", "Subnets": [{"Name": "a", "AddressPrefix": "System.Collections.Generic.List`1[System.String]"}]}"#,
            mentions: ["$.Subnets[0].AddressPrefix", "expected an address prefix", "-Depth 20"]),
        Bad(
            label: "a peering's remote network a number",
            text: #"{"id": "\#(vnet)", "type": "Microsoft.Network/virtualNetworks", "properties": {"virtualNetworkPeerings": [{"properties": {"remoteVirtualNetwork": 7}}]}}"#,
            mentions: ["$.properties.virtualNetworkPeerings[0].properties.remoteVirtualNetwork", "expected a resource reference"]),
        Bad(
            label: "network rules a string",
            text: #"{"id": "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st", "type": "Microsoft.Storage/storageAccounts", "properties": {"networkAcls": "Deny"}}"#,
            mentions: ["$.properties.networkAcls", "network rules as an object"]),
        Bad(
            label: "bypass flags out of range",
            text: #"{"Id": "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st", "NetworkRuleSet": {"Bypass": 12}}"#,
            mentions: ["$.NetworkRuleSet.Bypass", "between 0 and 7"]),
        Bad(
            label: "sku an array",
            text: #"{"id": "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st", "type": "Microsoft.Storage/storageAccounts", "sku": ["Standard_LRS"]}"#,
            mentions: ["$.sku", "expected sku as an object, found an array"]),
    ]

    @Test(arguments: bad)
    func wrongTypesStopCaptureWithTheFileAndJSONPath(_ input: Bad) throws {
        var capture = Capture()
        let error = try #require(throws: CaptureError.self) {
            try capture.add(file: "exports/bad.json", bytes: Array(input.text.utf8))
        }
        #expect(error.code == .shape)
        #expect(error.description.hasPrefix("exports/bad.json"))
        for mention in input.mentions { #expect(error.description.contains(mention), "\(error.description)") }
    }
}
