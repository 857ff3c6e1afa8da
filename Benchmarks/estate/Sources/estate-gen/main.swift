// estate-gen VMS OUTDIR
//
// Writes a deterministic estate of VMS virtual machines as ARM REST list bodies (pages of 500, as
// `az rest` or a paged export would save them): VMs, NICs, load balancers, public IPs and NSGs.
// The mix follows a typical web/app estate: tiers of 10 VMs behind a Standard load balancer with
// a NAT rule per VM; every third VM has a second NIC with a static IP; every fourth NIC a second
// IP configuration; every fifth VM its own static public IP; one NSG per tier; 1-4 data disks.
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[1]), count > 0 else {
    FileHandle.standardError.write(Data("usage: estate-gen VMS OUTDIR\n".utf8))
    exit(2)
}
let output = URL(fileURLWithPath: arguments[2])
try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)

let subscription = "6f1d3c2b-8a4e-4b7f-9c10-2d3e4f5a6b7c"
let location = "westeurope"
func rg(_ tier: Int) -> String { "rg-tier-\(String(format: "%04d", tier))" }
func base(_ tier: Int) -> String { "/subscriptions/\(subscription)/resourceGroups/\(rg(tier))/providers" }
let subnet = "/subscriptions/\(subscription)/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-prod/subnets/snet-app"
let mgmtSubnet = "/subscriptions/\(subscription)/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-prod/subnets/snet-mgmt"

func guid(_ seed: Int, _ salt: Int) -> String {
    var x = UInt64(truncatingIfNeeded: seed &* 2_654_435_761 &+ salt &* 40_503)
    var hex = ""
    for _ in 0..<32 {
        x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        hex += String((x >> 60) & 0xF, radix: 16)
    }
    let c = Array(hex)
    return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
}
func etag(_ seed: Int, _ salt: Int) -> String { "W/\"\(guid(seed, salt))\"" }
func ip(_ n: Int, _ net: Int) -> String { "10.\(20 + net).\((n / 250) % 250).\(n % 250 + 4)" }

var vms: [[String: Any]] = []
var nics: [[String: Any]] = []
var lbs: [[String: Any]] = []
var pips: [[String: Any]] = []
var nsgs: [[String: Any]] = []

let tiers = (count + 9) / 10
for tier in 0..<tiers {
    let lbID = "\(base(tier))/Microsoft.Network/loadBalancers/lb-\(tier)"
    let lbPip = "\(base(tier))/Microsoft.Network/publicIPAddresses/pip-lb-\(tier)"
    pips.append([
        "name": "pip-lb-\(tier)", "id": lbPip, "etag": etag(tier, 1), "location": location, "type": "Microsoft.Network/publicIPAddresses",
        "sku": ["name": "Standard", "tier": "Regional"], "zones": ["1", "2", "3"], "tags": ["tier": "\(tier)"],
        "properties": [
            "provisioningState": "Succeeded", "resourceGuid": guid(tier, 2), "ipAddress": "20.\(tier / 250 % 250).\(tier % 250).10",
            "publicIPAddressVersion": "IPv4", "publicIPAllocationMethod": "Static", "idleTimeoutInMinutes": 4, "ipTags": [],
            "ipConfiguration": ["id": "\(lbID)/frontendIPConfigurations/fe"],
        ] as [String: Any],
    ])
    let members = min(10, count - tier * 10)
    lbs.append([
        "name": "lb-\(tier)", "id": lbID, "etag": etag(tier, 3), "location": location, "type": "Microsoft.Network/loadBalancers",
        "sku": ["name": "Standard", "tier": "Regional"], "tags": ["tier": "\(tier)"],
        "properties": [
            "provisioningState": "Succeeded", "resourceGuid": guid(tier, 4),
            "frontendIPConfigurations": [[
                "name": "fe", "id": "\(lbID)/frontendIPConfigurations/fe", "etag": etag(tier, 5),
                "properties": ["provisioningState": "Succeeded", "privateIPAllocationMethod": "Dynamic", "publicIPAddress": ["id": lbPip]] as [String: Any],
            ]],
            "backendAddressPools": [["name": "pool", "id": "\(lbID)/backendAddressPools/pool", "etag": etag(tier, 6), "properties": ["provisioningState": "Succeeded"]]],
            "loadBalancingRules": [[
                "name": "https", "id": "\(lbID)/loadBalancingRules/https", "etag": etag(tier, 7),
                "properties": [
                    "provisioningState": "Succeeded", "frontendIPConfiguration": ["id": "\(lbID)/frontendIPConfigurations/fe"],
                    "backendAddressPool": ["id": "\(lbID)/backendAddressPools/pool"], "probe": ["id": "\(lbID)/probes/https"],
                    "protocol": "Tcp", "frontendPort": 443, "backendPort": 443, "idleTimeoutInMinutes": 4, "enableFloatingIP": false,
                    "enableTcpReset": true, "loadDistribution": "Default", "disableOutboundSnat": true,
                ] as [String: Any],
            ]],
            "probes": [[
                "name": "https", "id": "\(lbID)/probes/https", "etag": etag(tier, 8),
                "properties": ["provisioningState": "Succeeded", "protocol": "Https", "port": 443, "requestPath": "/health", "intervalInSeconds": 15, "numberOfProbes": 2] as [String: Any],
            ]],
            "inboundNatRules": (0..<members).map { m -> [String: Any] in
                [
                    "name": "nat-\(tier * 10 + m)", "id": "\(lbID)/inboundNatRules/nat-\(tier * 10 + m)", "etag": etag(tier * 10 + m, 9),
                    "properties": [
                        "provisioningState": "Succeeded", "frontendIPConfiguration": ["id": "\(lbID)/frontendIPConfigurations/fe"],
                        "protocol": "Tcp", "frontendPort": 50000 + m, "backendPort": m % 2 == 0 ? 3389 : 22, "idleTimeoutInMinutes": 4,
                        "enableFloatingIP": false, "enableTcpReset": false,
                    ] as [String: Any],
                ]
            },
            "inboundNatPools": [], "outboundRules": [],
        ] as [String: Any],
    ])
    let nsgID = "\(base(tier))/Microsoft.Network/networkSecurityGroups/nsg-\(tier)"
    nsgs.append([
        "name": "nsg-\(tier)", "id": nsgID, "etag": etag(tier, 10), "location": location, "type": "Microsoft.Network/networkSecurityGroups",
        "properties": [
            "provisioningState": "Succeeded", "resourceGuid": guid(tier, 11),
            "securityRules": [
                ["name": "allow-https", "id": "\(nsgID)/securityRules/allow-https", "properties": ["protocol": "Tcp", "sourcePortRange": "*", "destinationPortRange": "443", "sourceAddressPrefix": "Internet", "destinationAddressPrefix": "*", "access": "Allow", "priority": 100, "direction": "Inbound"] as [String: Any]],
                ["name": "allow-storage", "id": "\(nsgID)/securityRules/allow-storage", "properties": ["protocol": "Tcp", "sourcePortRange": "*", "destinationPortRanges": ["443", "8443"], "sourceAddressPrefix": "VirtualNetwork", "destinationAddressPrefix": "Storage.westeurope", "access": "Allow", "priority": 200, "direction": "Outbound"] as [String: Any]],
                ["name": "deny-internet", "id": "\(nsgID)/securityRules/deny-internet", "properties": ["protocol": "*", "sourcePortRange": "*", "destinationPortRange": "*", "sourceAddressPrefix": "*", "destinationAddressPrefix": "Internet", "access": "Deny", "priority": 4000, "direction": "Outbound"] as [String: Any]],
            ],
            "defaultSecurityRules": [],
        ] as [String: Any],
    ])
}

for n in 0..<count {
    let tier = n / 10
    let name = "vm-\(String(format: "%05d", n))"
    let vmID = "\(base(tier))/Microsoft.Compute/virtualMachines/\(name)"
    let lbID = "\(base(tier))/Microsoft.Network/loadBalancers/lb-\(tier)"
    var nicRefs: [[String: Any]] = []
    func nicID(_ k: Int) -> String { "\(base(tier))/Microsoft.Network/networkInterfaces/\(name)-nic\(k)" }
    let nicCount = n % 3 == 0 ? 2 : 1
    for k in 0..<nicCount {
        nicRefs.append(["id": nicID(k), "properties": ["primary": k == 0]])
        var configurations: [[String: Any]] = []
        let configCount = k == 0 && n % 4 == 0 ? 2 : 1
        for c in 0..<configCount {
            var properties: [String: Any] = [
                "provisioningState": "Succeeded", "privateIPAddress": ip(n * 2 + c, k),
                "privateIPAllocationMethod": k == 1 || c == 1 ? "Static" : "Dynamic",
                "subnet": ["id": k == 0 ? subnet : mgmtSubnet], "primary": c == 0, "privateIPAddressVersion": "IPv4",
            ]
            if k == 0 && c == 0 {
                properties["loadBalancerBackendAddressPools"] = [["id": "\(lbID)/backendAddressPools/pool"]]
                properties["loadBalancerInboundNatRules"] = [["id": "\(lbID)/inboundNatRules/nat-\(n)"]]
                if n % 5 == 0 {
                    let pipID = "\(base(tier))/Microsoft.Network/publicIPAddresses/\(name)-pip"
                    properties["publicIPAddress"] = ["id": pipID]
                    pips.append([
                        "name": "\(name)-pip", "id": pipID, "etag": etag(n, 12), "location": location, "type": "Microsoft.Network/publicIPAddresses",
                        "sku": ["name": "Standard", "tier": "Regional"], "tags": [:] as [String: String],
                        "properties": [
                            "provisioningState": "Succeeded", "resourceGuid": guid(n, 13), "ipAddress": "51.\(n / 250 % 250).\(n % 250).7",
                            "publicIPAddressVersion": "IPv4", "publicIPAllocationMethod": "Static", "idleTimeoutInMinutes": 4,
                            "dnsSettings": ["domainNameLabel": "\(name)-app", "fqdn": "\(name)-app.\(location).cloudapp.azure.com"],
                            "ipConfiguration": ["id": "\(nicID(k))/ipConfigurations/ipconfig1"],
                        ] as [String: Any],
                    ])
                }
            }
            configurations.append([
                "name": "ipconfig\(c + 1)", "id": "\(nicID(k))/ipConfigurations/ipconfig\(c + 1)", "etag": etag(n, 20 + c),
                "type": "Microsoft.Network/networkInterfaces/ipConfigurations", "properties": properties,
            ])
        }
        nics.append([
            "name": "\(name)-nic\(k)", "id": nicID(k), "etag": etag(n, 30 + k), "location": location, "type": "Microsoft.Network/networkInterfaces",
            "tags": ["app": "estate"],
            "properties": [
                "provisioningState": "Succeeded", "resourceGuid": guid(n, 40 + k), "ipConfigurations": configurations,
                "dnsSettings": ["dnsServers": k == 0 ? [] : ["10.20.0.4"], "appliedDnsServers": []],
                "macAddress": "00-0D-3A-\(String(format: "%02X-%02X-%02X", n % 256, (n / 256) % 256, k))",
                "enableAcceleratedNetworking": k == 0, "enableIPForwarding": false, "primary": k == 0,
                "networkSecurityGroup": ["id": "\(base(tier))/Microsoft.Network/networkSecurityGroups/nsg-\(tier)"],
                "virtualMachine": ["id": vmID], "hostedWorkloads": [], "tapConfigurations": [], "nicType": "Standard",
            ] as [String: Any],
        ])
    }
    let dataDisks = (0..<(1 + n % 4)).map { lun -> [String: Any] in
        [
            "lun": lun, "name": "\(name)_DataDisk_\(lun)", "createOption": "Attach", "caching": lun == 0 ? "ReadOnly" : "None",
            "writeAcceleratorEnabled": false, "diskSizeGB": 128 << (lun % 3), "toBeDetached": false,
            "managedDisk": ["storageAccountType": "Premium_LRS", "id": "\(base(tier))/Microsoft.Compute/disks/\(name)_DataDisk_\(lun)"],
        ]
    }
    vms.append([
        "name": name, "id": vmID, "type": "Microsoft.Compute/virtualMachines", "location": location,
        "tags": ["env": "prod", "tier": "\(tier)", "owner": "platform"], "zones": n % 2 == 0 ? ["1"] : ["2"],
        "properties": [
            "vmId": guid(n, 50), "hardwareProfile": ["vmSize": n % 7 == 0 ? "Standard_D8s_v5" : "Standard_D4s_v5"],
            "storageProfile": [
                "imageReference": ["publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2022-datacenter-azure-edition", "version": "latest"],
                "osDisk": [
                    "osType": n % 3 == 2 ? "Linux" : "Windows", "name": "\(name)_OsDisk_1", "createOption": "FromImage", "caching": "ReadWrite",
                    "managedDisk": ["storageAccountType": "Premium_LRS", "id": "\(base(tier))/Microsoft.Compute/disks/\(name)_OsDisk_1"],
                    "deleteOption": "Delete", "diskSizeGB": 127,
                ] as [String: Any],
                "dataDisks": dataDisks, "diskControllerType": "SCSI",
            ] as [String: Any],
            "osProfile": ["computerName": name, "adminUsername": "azureuser", "windowsConfiguration": ["provisionVMAgent": true, "enableAutomaticUpdates": true]] as [String: Any],
            "networkProfile": ["networkInterfaces": nicRefs],
            "diagnosticsProfile": ["bootDiagnostics": ["enabled": true]], "provisioningState": "Succeeded",
            "licenseType": n % 2 == 0 ? "Windows_Server" : NSNull(),
        ] as [String: Any],
    ])
}

func writePages(_ items: [[String: Any]], _ prefix: String) throws {
    let pageSize = 500
    for (page, start) in stride(from: 0, to: items.count, by: pageSize).enumerated() {
        var body: [String: Any] = ["value": Array(items[start..<min(start + pageSize, items.count)])]
        if start + pageSize < items.count {
            body["nextLink"] = "https://management.azure.com/subscriptions/\(subscription)/providers/\(prefix)?api-version=2025-04-01&$skiptoken=\(page + 1)"
        }
        let data = try JSONSerialization.data(withJSONObject: body, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try data.write(to: output.appendingPathComponent("\(prefix)-\(String(format: "%04d", page)).json"))
    }
}
try writePages(vms, "vms")
try writePages(nics, "nics")
try writePages(lbs, "lbs")
try writePages(pips, "pips")
try writePages(nsgs, "nsgs")
print("\(vms.count) VMs, \(nics.count) NICs, \(lbs.count) load balancers, \(pips.count) public IPs, \(nsgs.count) NSGs -> \(output.path)")
