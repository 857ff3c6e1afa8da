import Foundation
import Restore
import RewireModel
import RewireTestSupport
import ScriptGen
import Testing

/// The example estate with its network captured too: a subnet NSG, custom DNS, a peering.
func exampleWithNetwork() throws -> Manifest {
    var manifest = try exampleManifest()
    let vm = try #require(manifest.virtualMachines.first)
    let vnet =
        "/subscriptions/\(vm.subscriptionId)/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-prod"
    let nsg = try #require(manifest.networkSecurityGroups.first)
    manifest.virtualNetworks = [
        VirtualNetwork(
            id: vnet, name: "vnet-prod", resourceGroup: "rg-network", subscriptionId: vm.subscriptionId,
            location: vm.location,
            addressPrefixes: ["10.10.0.0/16"], dnsServers: ["10.10.3.10"],
            subnets: [
                Subnet(id: vnet + "/subnets/snet-mgmt", name: "snet-mgmt", addressPrefixes: ["10.10.3.0/24"]),
                Subnet(
                    id: vnet + "/subnets/snet-web", name: "snet-web", addressPrefixes: ["10.10.1.0/24"],
                    networkSecurityGroupId: nsg.id),
            ],
            peeredNetworkIds: [
                "/subscriptions/\(vm.subscriptionId)/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub"
            ])
    ]
    return manifest
}

/// A local vault restore of every VM of `manifest`, as `rewire restore` reports it.
func localRestoreReport(_ manifest: Manifest) -> RestoreReport {
    RestoreReport(
        backend: RestoreBackend(kind: .localVault, location: "/srv/vault"), recoveryPointSelector: "latest",
        virtualMachines: manifest.virtualMachines.map { vm in
            RestoredVirtualMachine(
                name: vm.name, sourceId: vm.id,
                recoveryPoint: RecoveryPointReference(id: "20251120020000", time: "2025-11-20T02:00:00Z"),
                jobId: "local-\(vm.name)-20251120020000",
                target: RestoreTarget(kind: .folder, location: "/srv/restored"),
                disks: ([vm.osDisk] + vm.dataDisks).map {
                    RestoredDisk(
                        name: $0.name, lun: $0.lun, path: "/srv/restored/\(vm.name)/\($0.name).vhd", verified: true)
                },
                status: .done)
        })
}

/// An Azure restore into a resource group of the operator's choosing (not one the rehearsal creates).
func azureRestoreReport(_ manifest: Manifest) -> RestoreReport {
    RestoreReport(
        backend: RestoreBackend(
            kind: .azureRecoveryServices,
            location: "/subscriptions/s/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv"),
        recoveryPointSelector: "latest",
        virtualMachines: manifest.virtualMachines.map { vm in
            let group = "/subscriptions/\(vm.subscriptionId)/resourceGroups/rg-drill-disks"
            return RestoredVirtualMachine(
                name: vm.name, sourceId: vm.id,
                recoveryPoint: RecoveryPointReference(id: "58658092164440", time: "2025-11-20T02:00:00Z"),
                jobId: "job-\(vm.name)", target: RestoreTarget(kind: .resourceGroup, location: group),
                disks: ([vm.osDisk] + vm.dataDisks).map {
                    RestoredDisk(
                        name: $0.name, lun: $0.lun,
                        managedDiskId: "\(group)/providers/Microsoft.Compute/disks/\($0.name)-restored", verified: true)
                },
                status: .done)
        })
}

func rehearsalFiles(
    _ manifest: Manifest, id: String = "golden1", restored: RestoreReport? = nil, options: RehearsalOptions? = nil
) throws -> [GeneratedFile] {
    let plan = try RehearsalPlanner(manifest: manifest, options: options ?? RehearsalOptions(id: id)).plan()
    let generator = try ScriptGenerator(
        options: ScriptOptions(
            regenerateCommand: "rewire script manifest.json -o rehearsal --rehearsal --rehearsal-id \(plan.id)"))
    return try generator.generateRehearsal(manifest, plan: plan, restored: restored)
}

/// What the calls of a set of scripts create or remove, as `kind|group|name` (lowercased); disks
/// by resource group, as `disks|group|*`. Values given through a script's `param()` defaults
/// (`$VMName`, `$TargetResourceGroupName`) are resolved.
struct ResourceCalls {
    var calls: [PSCheck.Call]
    var defaults: [String: [String: String]]

    init(_ paths: [String]) throws {
        calls = try PSCheck.calls(paths)
        var defaults: [String: [String: String]] = [:]
        let pattern = try NSRegularExpression(pattern: #"\[string\] \$(\w+) = '([^']*)'"#)
        for path in paths {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            var table: [String: String] = [:]
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                table[String(text[Range(match.range(at: 1), in: text)!])] = String(
                    text[Range(match.range(at: 2), in: text)!])
            }
            defaults[(path as NSString).lastPathComponent] = table
        }
        self.defaults = defaults
    }

    /// The strings a parameter of a call stands for: its literal value, or a `param()` default.
    func values(_ call: PSCheck.Call, _ name: String) -> [String] {
        if let value = call.value(name) { return value.strings }
        guard let raw = call.raw(name), raw.hasPrefix("$") else { return [] }
        let table = defaults[(call.file as NSString).lastPathComponent] ?? [:]
        return table[String(raw.dropFirst())].map { [$0] } ?? []
    }

    func first(_ call: PSCheck.Call, _ name: String) -> String { values(call, name).first ?? "?" }

    static let creating: [String: String] = [
        "New-AzResourceGroup": "resourceGroup", "New-AzVirtualNetwork": "virtualNetwork",
        "New-AzNetworkSecurityGroup": "networkSecurityGroup", "New-AzLoadBalancer": "loadBalancer",
        "New-AzNetworkInterface": "networkInterface", "New-AzVM": "virtualMachine",
        "New-AzPublicIpAddress": "publicIPAddress",
    ]
    static let removing: [String: String] = [
        "Remove-AzResourceGroup": "resourceGroup", "Remove-AzVirtualNetwork": "virtualNetwork",
        "Remove-AzNetworkSecurityGroup": "networkSecurityGroup", "Remove-AzLoadBalancer": "loadBalancer",
        "Remove-AzNetworkInterface": "networkInterface", "Remove-AzVM": "virtualMachine",
    ]

    var created: Set<String> {
        var out = Set<String>()
        for call in calls {
            let command = call.resolved ?? ""
            if let kind = Self.creating[command] {
                let group = kind == "resourceGroup" ? "" : first(call, "ResourceGroupName")
                let name =
                    kind == "virtualMachine"
                    ? defaults[(call.file as NSString).lastPathComponent]?["VMName"] ?? "?" : first(call, "Name")
                out.insert("\(kind)|\(group)|\(name)".lowercased())
            } else if command == "Add-AzVhd" {
                out.insert("disks|\(first(call, "ResourceGroupName"))|*".lowercased())
            } else if command == "Restore-AzRecoveryServicesBackupItem" {
                out.insert("disks|\(first(call, "TargetResourceGroupName"))|*".lowercased())
            } else if command == "Update-AzTag", call.raw("Tag")?.contains("'rewire-rehearsal'") == true {
                // Disks restored elsewhere become the rehearsal's once tagged (they are in $TargetResourceGroupName).
                let group = defaults[(call.file as NSString).lastPathComponent]?["TargetResourceGroupName"] ?? "?"
                out.insert("disks|\(group)|*".lowercased())
            }
        }
        return out
    }

    var removed: Set<String> {
        var out = Set<String>()
        for call in calls {
            let command = call.resolved ?? ""
            if let kind = Self.removing[command] {
                let group = kind == "resourceGroup" ? "" : first(call, "ResourceGroupName")
                out.insert("\(kind)|\(group)|\(first(call, "Name"))".lowercased())
            } else if command == "Remove-AzDisk" {
                out.insert("disks|\(first(call, "ResourceGroupName"))|*".lowercased())
            }
        }
        return out
    }

    /// Calls that change Azure: create, update, remove, attach, restore.
    var mutating: [PSCheck.Call] {
        calls.filter { call in
            guard let command = call.resolved, command.contains("-Az") else { return false }
            let verb = command.prefix { $0 != "-" }
            return ["New", "Set", "Remove", "Add", "Update", "Restore"].contains(String(verb))
                && command != "New-AzStorageContext"
        }
    }

    /// `call: value` for every argument of a mutating call that names a production resource or
    /// public IP: a name, an id inside a production resource group, or an address.
    func productionTargets(_ production: Manifest) -> [String] {
        var names = Set<String>()
        var groups = Set<String>()
        var addresses = Set<String>()
        func note(_ name: String, _ group: String) {
            names.insert(name.lowercased())
            groups.insert(group.lowercased())
        }
        let resources: [(name: String, group: String)] =
            production.virtualMachines.map { ($0.name, $0.resourceGroup) }
            + production.networkInterfaces.map { ($0.name, $0.resourceGroup) }
            + production.loadBalancers.map { ($0.name, $0.resourceGroup) }
            + production.networkSecurityGroups.map { ($0.name, $0.resourceGroup) }
            + production.virtualNetworks.map { ($0.name, $0.resourceGroup) }
        for resource in resources { note(resource.name, resource.group) }
        for pip in production.publicIPAddresses {
            note(pip.name, pip.resourceGroup)
            if let address = pip.ipAddress { addresses.insert(address) }
            names.insert(ResourceID.key(pip.id))
        }
        for nic in production.networkInterfaces {
            for configuration in nic.ipConfigurations {
                if let subnet = configuration.subnetId, let group = ResourceID(subnet)?.resourceGroup {
                    groups.insert(group.lowercased())
                    names.insert(ResourceID(subnet)?.segments.first?.name.lowercased() ?? "")
                }
            }
        }
        var hits: [String] = []
        for call in mutating {
            for parameter in call.parameters {
                for value in values(call, parameter.name) {
                    let lower = value.lowercased()
                    let inGroup = groups.contains { lower.contains("/resourcegroups/\($0)/") }
                    if names.contains(lower) || groups.contains(lower) || inGroup || addresses.contains(value) {
                        hits.append(
                            "\(call.file):\(call.line) \(call.resolved ?? call.command) -\(parameter.name) \(value)")
                    }
                }
            }
        }
        return hits
    }
}

@Suite("Rehearsal scripts")
struct RehearsalScriptTests {
    /// The variants every property is checked on: network derived or captured, restoring from
    /// the vault, from a local restore, or from disks Azure restored elsewhere.
    static func variants() throws -> [(label: String, production: Manifest, files: [GeneratedFile])] {
        // The example without its network, so that the rehearsal derives one from the addresses.
        var example = try exampleManifest()
        example.virtualNetworks = []
        let captured = try exampleWithNetwork()
        // Two DCs of one domain with their network captured: the DC steps run against the copies too.
        let dcs = try DomainControllerScriptTests.manifest("corp")
        return [
            ("derived network", example, try rehearsalFiles(example)),
            ("captured network", captured, try rehearsalFiles(captured)),
            ("local restore", captured, try rehearsalFiles(captured, restored: localRestoreReport(captured))),
            ("azure restore", captured, try rehearsalFiles(captured, restored: azureRestoreReport(captured))),
            ("domain controllers", dcs, try rehearsalFiles(dcs)),
        ]
    }

    @Test func matchTheGoldenFiles() throws {
        let golden = Paths.repository.appendingPathComponent("Tests/ScriptGenTests/Golden/rehearsal")
        for file in try rehearsalFiles(try exampleWithNetwork()) {
            let mismatch = try Golden.mismatch(file.contents, golden: golden.appendingPathComponent(file.name))
            #expect(mismatch == nil, "\(mismatch ?? "")")
        }
    }

    @Test func passPSCheckWithZeroFindings() throws {
        for variant in try Self.variants() {
            let directory = try TemporaryDirectory()
            let scripts = try write(variant.files, into: directory)
            #expect(scripts.count == 4, "\(variant.label)")
            let findings = try PSCheck.findings(scripts)
            #expect(findings.isEmpty, "\(variant.label): \(findings)")
        }
    }

    @Test func neverCreateUpdateOrRemoveAProductionResourceOrPublicIP() throws {
        for variant in try Self.variants() {
            let directory = try TemporaryDirectory()
            let calls = try ResourceCalls(try write(variant.files, into: directory))
            #expect(calls.mutating.count > 20, "\(variant.label)")
            let hits = calls.productionTargets(variant.production)
            #expect(hits.isEmpty, "\(variant.label): \(hits.joined(separator: "\n"))")
            #expect(!calls.calls.contains { $0.resolved == "New-AzPublicIpAddress" }, "\(variant.label)")
        }
    }

    /// The detector above is not vacuous: the ordinary scripts do target production.
    @Test func theProductionCheckCatchesTheOrdinaryScripts() throws {
        let manifest = try exampleWithNetwork()
        let directory = try TemporaryDirectory()
        let calls = try ResourceCalls(try write(try generate(manifest), into: directory))
        let hits = calls.productionTargets(manifest)
        #expect(hits.contains { $0.contains("New-AzNetworkInterface -Name nic-web01") })
        #expect(hits.contains { $0.contains("New-AzPublicIpAddress") })
        #expect(
            hits.contains { $0.contains("-SubnetId /subscriptions/") && $0.contains("/resourceGroups/rg-network/") })
    }

    @Test func cleanupRemovesExactlyWhatTheScriptsCreate() throws {
        for variant in try Self.variants() {
            let directory = try TemporaryDirectory()
            let paths = try write(variant.files, into: directory)
            let scripts = try ResourceCalls(
                paths.filter { !$0.hasSuffix("cleanup.ps1") && !$0.hasSuffix("restore-all.ps1") })
            let cleanup = try ResourceCalls(paths.filter { $0.hasSuffix("cleanup.ps1") })
            #expect(!scripts.created.isEmpty)
            #expect(
                scripts.created == cleanup.removed,
                "\(variant.label): created \(scripts.created.sorted()), removed \(cleanup.removed.sorted())")
            // And every removal is guarded by the rehearsal tag.
            let text = try String(contentsOfFile: paths.first { $0.hasSuffix("cleanup.ps1") }!, encoding: .utf8)
            #expect(text.contains("$tagValue = 'golden1'"))
            let guards = text.components(separatedBy: "$resource.Tags[$tagName] -ne $tagValue").count - 1
            #expect(
                guards == cleanup.removed.filter { !$0.hasPrefix("disks|") && !$0.hasPrefix("resourcegroup|") }.count)
        }
    }

    @Test func tagEverythingTheyCreateWithTheRehearsalID() throws {
        for variant in try Self.variants() {
            let directory = try TemporaryDirectory()
            let calls = try ResourceCalls(try write(variant.files, into: directory)).calls
            let tag = "'rewire-rehearsal' = 'golden1'"
            for call in calls where ResourceCalls.creating[call.resolved ?? ""] != nil && call.resolved != "New-AzVM" {
                #expect(
                    call.raw("Tag")?.contains(tag) == true,
                    "\(variant.label): \(call.resolved ?? "") at \(call.file):\(call.line)")
            }
            let configs = calls.filter { $0.resolved == "New-AzVMConfig" }
            #expect(configs.count == 2)
            #expect(configs.allSatisfy { $0.raw("Tags")?.contains(tag) == true })
            let diskTags = calls.filter { $0.resolved == "Update-AzTag" }
            #expect(diskTags.count == 2)
            #expect(
                diskTags.allSatisfy {
                    $0.raw("Tag")?.contains(tag) == true && $0.value("Operation")?.strings == ["Merge"]
                })
        }
    }

    @Test func restoreTheProductionBackupItemUnderTheRehearsalName() throws {
        let directory = try TemporaryDirectory()
        let calls = try ResourceCalls(try write(try rehearsalFiles(try exampleManifest()), into: directory))
        let containers = calls.calls.filter { $0.resolved == "Get-AzRecoveryServicesBackupContainer" }
        #expect(Set(containers.flatMap { $0.value("FriendlyName")?.strings ?? [] }) == ["web01", "web02"])
        #expect(calls.defaults["web01-rehearsal-golden1.ps1"]?["VMName"] == "web01-rehearsal-golden1")
        #expect(calls.defaults["web01-rehearsal-golden1.ps1"]?["TargetResourceGroupName"] == "rg-web-rehearsal-golden1")
    }

    @Test func createTheIsolatedNetworkWithTheProductionAddressSpaceAndNoPeering() throws {
        let directory = try TemporaryDirectory()
        let calls = try ResourceCalls(try write(try rehearsalFiles(try exampleWithNetwork()), into: directory)).calls
        let networks = calls.filter { $0.resolved == "New-AzVirtualNetwork" }
        #expect(networks.count == 2)  // each VM script creates what it needs, get-or-create
        #expect(
            networks.allSatisfy {
                $0.value("AddressPrefix")?.strings == ["10.10.0.0/16"]
                    && $0.value("DnsServer")?.strings == ["10.10.3.10"]
            })
        #expect(
            !calls.contains {
                ($0.resolved ?? "").contains("Peering") || ($0.resolved ?? "").contains("VirtualNetworkGateway")
            })
        let subnets = calls.filter {
            $0.resolved == "New-AzVirtualNetworkSubnetConfig" && $0.value("Name")?.strings == ["snet-web"]
        }
        #expect(
            subnets.allSatisfy {
                $0.value("NetworkSecurityGroupId")?.strings.first?.hasSuffix("/nsg-web-rehearsal-golden1") == true
            })
        // The public frontend became internal, in the rehearsal subnet.
        let frontends = calls.filter { $0.resolved == "New-AzLoadBalancerFrontendIpConfig" }
        #expect(!frontends.isEmpty)
        #expect(
            frontends.allSatisfy {
                !$0.has("PublicIpAddressId")
                    && $0.value("SubnetId")?.strings.first?.contains("vnet-prod-rehearsal-golden1/subnets/snet-web")
                        == true
            })
    }

    @Test func warnAboutCollisionsInTheVMScripts() throws {
        var example = try exampleManifest()
        example.virtualNetworks = []
        let files = try rehearsalFiles(example)
        let web01 = try #require(files.first { $0.name == "web01-rehearsal-golden1.ps1" })
        #expect(web01.contents.contains("# warning: rehearsal.hostname-collision:"))
        let runbook = try #require(files.first { $0.name == "RUNBOOK.md" })
        #expect(runbook.contents.contains("`rehearsal.hostname-collision`"))
        #expect(runbook.contents.contains("`rehearsal.network.derived`"))
        #expect(web01.contents.contains("# warning: rehearsal.network.derived:") == false)  // estate-level, not per VM
        #expect(
            files.map(\.name) == [
                "web01-rehearsal-golden1.ps1", "web02-rehearsal-golden1.ps1", "restore-all.ps1", "cleanup.ps1",
                "RUNBOOK.md",
            ])
    }

    /// In the isolated network no other DC is reachable: each DC copy takes the forest-recovery path
    /// (DSRM boot), though production would restore the same DCs like any VM.
    @Test func domainControllerCopiesAreRestoredByForestRecovery() throws {
        let dcs = try DomainControllerScriptTests.manifest("corp")
        let rehearsal = try rehearsalFiles(dcs).filter { $0.name.hasSuffix("-rehearsal-golden1.ps1") }
        #expect(rehearsal.count == 2)
        #expect(rehearsal.allSatisfy { $0.contents.contains("safeboot") })
        #expect(!(try generate(dcs)).contains { $0.contents.contains("safeboot") })
    }

    @Test func areTheSameBytesEveryTime() throws {
        let manifest = try exampleWithNetwork()
        #expect(try rehearsalFiles(manifest) == (try rehearsalFiles(manifest)))
    }
}
