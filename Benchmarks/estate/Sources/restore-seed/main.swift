// Writes a fakeazure seed (../shared/tools/fakeazure, seed format in its README) with N protected VMs,
// modelled on seeds/web-tier.json: the same tenant, client, subscription, vault and staging account; per VM a
// NIC in one subnet, a managed OS disk, one data disk, and a protected item with two recovery points.
//
//   swift run --package-path Benchmarks/estate restore-seed 100 > seed.json
import Foundation

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 100 : 100

let tenant = "8a1d2f3e-4b5c-4d6e-9f70-81a2b3c4d5e6"
let client = "5e2d9c41-0b7a-4c3e-8f61-9a2b4c6d8e10"
let sub = "3c9e5b1a-7d24-4f8e-a6b0-2d9c4e7f1a53"
let loc = "westeurope"

func rid(_ rg: String, _ type: String, _ name: String) -> String {
    "/subscriptions/\(sub)/resourceGroups/\(rg)/providers/\(type)/\(name)"
}

/// A deterministic GUID-shaped string from a name (FNV-1a, 128 bits from two seeds).
func guid(_ name: String) -> String {
    func fnv(_ seed: UInt64) -> UInt64 {
        var h = seed
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
    let a = String(fnv(0xcbf2_9ce4_8422_2325), radix: 16), b = String(fnv(0x84222325_cbf29ce4), radix: 16)
    let hex = Array((String(repeating: "0", count: 16 - a.count) + a + String(repeating: "0", count: 16 - b.count) + b))
    return "\(String(hex[0..<8]))-\(String(hex[8..<12]))-4\(String(hex[13..<16]))-8\(String(hex[17..<20]))-\(String(hex[20..<32]))"
}

let vnet = rid("rg-network", "Microsoft.Network/virtualNetworks", "vnet-bench")
let subnet = "\(vnet)/subnets/snet-app"
let vault = rid("rg-backup", "Microsoft.RecoveryServices/vaults", "rsv-prod-weu")
let staging = rid("rg-backup", "Microsoft.Storage/storageAccounts", "stwebrestore01")
let rg = "rg-app"

var resources: [[String: Any]] = []
var items: [[String: Any]] = []
var ipconfigs: [[String: Any]] = []

for i in 1...count {
    let vm = String(format: "app%03d", i)
    let vmID = rid(rg, "Microsoft.Compute/virtualMachines", vm)
    let nic = "nic-\(vm)"
    let nicID = rid(rg, "Microsoft.Network/networkInterfaces", nic)
    let ip = "10.20.\(i / 250).\(4 + i % 250)"
    ipconfigs.append(["id": "\(nicID)/ipConfigurations/ipconfig1"])
    resources.append([
        "name": nic, "id": nicID, "type": "Microsoft.Network/networkInterfaces", "location": loc, "tags": [:],
        "properties": [
            "provisioningState": "Succeeded", "resourceGuid": guid("nic:" + vm),
            "ipConfigurations": [[
                "name": "ipconfig1", "id": "\(nicID)/ipConfigurations/ipconfig1",
                "type": "Microsoft.Network/networkInterfaces/ipConfigurations",
                "properties": [
                    "provisioningState": "Succeeded", "privateIPAddress": ip,
                    "privateIPAllocationMethod": "Dynamic", "subnet": ["id": subnet], "primary": true,
                    "privateIPAddressVersion": "IPv4",
                ],
            ]],
            "enableAcceleratedNetworking": false, "enableIPForwarding": false, "primary": true,
            "virtualMachine": ["id": vmID], "nicType": "Standard",
        ] as [String: Any],
    ])
    let osName = "\(vm)_OsDisk_1_\(guid("os:" + vm).replacingOccurrences(of: "-", with: ""))"
    let osID = rid(rg, "Microsoft.Compute/disks", osName)
    let dataName = "\(vm)_DataDisk_0_\(guid("data:" + vm).replacingOccurrences(of: "-", with: ""))"
    let dataID = rid(rg, "Microsoft.Compute/disks", dataName)
    for (id, name, gb, os) in [(osID, osName, 30, true), (dataID, dataName, 64, false)] {
        var props: [String: Any] = [
            "creationData": ["createOption": os ? "FromImage" : "Empty"], "diskSizeGB": gb,
            "provisioningState": "Succeeded", "diskState": "Attached", "diskSizeBytes": gb << 30,
            "uniqueId": guid("disk:" + id),
        ]
        if os { props["osType"] = "Linux"; props["hyperVGeneration"] = "V2" }
        resources.append([
            "name": name, "id": id, "type": "Microsoft.Compute/disks", "location": loc, "managedBy": vmID,
            "sku": ["name": "StandardSSD_LRS", "tier": "Standard"], "properties": props,
        ])
    }
    resources.append([
        "name": vm, "id": vmID, "type": "Microsoft.Compute/virtualMachines", "location": loc,
        "tags": ["tier": "app", "env": "bench"],
        "properties": [
            "vmId": guid("vmid:" + vm), "hardwareProfile": ["vmSize": "Standard_D2s_v3"],
            "storageProfile": [
                "imageReference": [
                    "publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts-gen2",
                    "version": "latest",
                ],
                "osDisk": [
                    "osType": "Linux", "name": osName, "createOption": "FromImage", "caching": "ReadWrite",
                    "managedDisk": ["storageAccountType": "StandardSSD_LRS", "id": osID], "deleteOption": "Delete",
                    "diskSizeGB": 30,
                ] as [String: Any],
                "dataDisks": [[
                    "lun": 0, "name": dataName, "createOption": "Attach", "caching": "ReadOnly",
                    "managedDisk": ["storageAccountType": "StandardSSD_LRS", "id": dataID], "diskSizeGB": 64,
                ] as [String: Any]],
            ] as [String: Any],
            "osProfile": [
                "computerName": vm, "adminUsername": "azureadmin",
                "linuxConfiguration": ["disablePasswordAuthentication": true, "provisionVMAgent": true],
            ] as [String: Any],
            "networkProfile": ["networkInterfaces": [["id": nicID, "properties": ["primary": true]]]],
            "provisioningState": "Succeeded",
        ] as [String: Any],
    ])
    items.append([
        "vaultId": vault, "sourceResourceId": vmID, "policyName": "DefaultPolicy",
        "recoveryPoints": [
            ["name": "\(58658092164440 + i)", "recoveryPointTime": "2025-11-20T02:01:14Z",
             "recoveryPointType": "AppConsistent", "instantRestore": true],
            ["name": "\(92281486162051 + i)", "recoveryPointTime": "2025-11-19T02:01:09Z",
             "recoveryPointType": "AppConsistent", "instantRestore": true],
        ],
    ])
}

resources.insert([
    "name": "vnet-bench", "id": vnet, "type": "Microsoft.Network/virtualNetworks", "location": loc, "tags": [:],
    "properties": [
        "provisioningState": "Succeeded", "addressSpace": ["addressPrefixes": ["10.20.0.0/16"]],
        "subnets": [[
            "name": "snet-app", "id": subnet, "type": "Microsoft.Network/virtualNetworks/subnets",
            "properties": ["provisioningState": "Succeeded", "addressPrefix": "10.20.0.0/20", "ipConfigurations": ipconfigs],
        ] as [String: Any]],
    ] as [String: Any],
], at: 0)
resources.append([
    "name": "rsv-prod-weu", "id": vault, "type": "Microsoft.RecoveryServices/vaults", "location": loc, "tags": [:],
    "sku": ["name": "RS0", "tier": "Standard"], "properties": ["provisioningState": "Succeeded"],
])
resources.append([
    "name": "stwebrestore01", "id": staging, "type": "Microsoft.Storage/storageAccounts", "location": loc,
    "kind": "StorageV2", "sku": ["name": "Standard_LRS", "tier": "Standard"], "tags": [:],
    "properties": ["provisioningState": "Succeeded", "primaryLocation": loc],
])

let seed: [String: Any] = [
    "_comment": "generated by Benchmarks/estate restore-seed \(count)",
    "tenants": [[
        "tenantId": tenant, "domains": ["contoso.onmicrosoft.com"],
        "clients": [[
            "clientId": client, "clientSecret": "fakeazure-client-secret",
            "objectId": "c0ffee00-1111-4222-8333-444455556666", "displayName": "rewire-sp",
        ]],
    ] as [String: Any]],
    "subscriptions": [[
        "subscriptionId": sub, "tenantId": tenant, "displayName": "contoso-prod",
        "resourceGroups": ["rg-network", rg, "rg-backup", "rg-restore"].map { ["name": $0, "location": loc] },
    ] as [String: Any]],
    "resources": resources,
    "backup": ["protectedItems": items],
]
let data = try JSONSerialization.data(withJSONObject: seed, options: [.sortedKeys])
FileHandle.standardOutput.write(data)
FileHandle.standardOutput.write("\n".data(using: .utf8)!)
