import Foundation
import NetConfigCapture
import RewireModel
import RewireTestSupport
import ScriptGen
import Testing

/// A two-region estate built in Swift, with every case prepare decides on:
/// - westeurope: app01 (Windows, managed, not protected; its NIC's NSG denies the Internet at 4000,
///   its subnet's NSG allows Storage.westeurope above its deny), db01 (Linux, already protected by
///   the target vault; its NSG denies everything at 100: no free priority), legacy01 (Windows,
///   unmanaged, protected by another vault);
/// - eastus: web01 (Linux, no instance view, not protected; its subnet's NSG was not captured);
/// - a classic VM, classic01.
enum PrepareEstate {
    static let subscription = "11111111-2222-3333-4444-555555555555"
    static let targetVault =
        "/subscriptions/\(subscription)/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod-westeurope"
    static let otherVault =
        "/subscriptions/\(subscription)/resourceGroups/rg-old/providers/Microsoft.RecoveryServices/vaults/rsv-old"

    static func id(_ group: String, _ type: String, _ name: String) -> String {
        "/subscriptions/\(subscription)/resourceGroups/\(group)/providers/\(type)/\(name)"
    }

    static func nsgID(_ name: String) -> String { id("rg-net", "Microsoft.Network/networkSecurityGroups", name) }

    static func outbound(
        _ name: String, _ priority: Int, _ access: String, _ destination: String, ports: [String] = ["*"]
    ) -> SecurityRule {
        SecurityRule(
            name: name, direction: "Outbound", priority: priority, access: access, protocol: "*",
            sourceAddressPrefixes: ["*"],
            destinationAddressPrefixes: [destination], sourcePortRanges: ["*"], destinationPortRanges: ports)
    }

    static func vm(
        _ name: String, location: String, os: OSType, managed: Bool = true, agent: GuestAgent?,
        backup: BackupProtection? = nil,
        nic: String?
    ) -> VirtualMachine {
        let disk =
            managed
            ? Disk(
                name: "\(name)-os", kind: .managed, managedDiskId: id("rg-app", "Microsoft.Compute/disks", "\(name)-os")
            )
            : Disk(name: "\(name)-os", kind: .vhd, vhdUri: "https://stlegacy.blob.core.windows.net/vhds/\(name)-os.vhd")
        return VirtualMachine(
            id: id("rg-app", "Microsoft.Compute/virtualMachines", name), name: name, resourceGroup: "rg-app",
            subscriptionId: subscription,
            location: location, size: "Standard_D2s_v3", osType: os, osDisk: disk,
            networkInterfaces: nic.map {
                [NetworkInterfaceReference(id: id("rg-app", "Microsoft.Network/networkInterfaces", $0), primary: true)]
            } ?? [],
            agent: agent, backup: backup)
    }

    static func nic(_ name: String, location: String, nsg: String?, subnet: String) -> NetworkInterface {
        NetworkInterface(
            id: id("rg-app", "Microsoft.Network/networkInterfaces", name), name: name, resourceGroup: "rg-app",
            subscriptionId: subscription,
            location: location, ipConfigurations: [IPConfiguration(name: "ipconfig1", primary: true, subnetId: subnet)],
            networkSecurityGroupId: nsg.map(nsgID))
    }

    static func network(_ name: String, location: String, subnet: String, nsg: String?) -> VirtualNetwork {
        let vnet = id("rg-net", "Microsoft.Network/virtualNetworks", name)
        return VirtualNetwork(
            id: vnet, name: name, resourceGroup: "rg-net", subscriptionId: subscription, location: location,
            addressPrefixes: ["10.0.0.0/16"],
            subnets: [
                Subnet(
                    id: "\(vnet)/subnets/\(subnet)", name: subnet, addressPrefixes: ["10.0.1.0/24"],
                    networkSecurityGroupId: nsg.map(nsgID))
            ])
    }

    static func subnetID(_ network: String, _ subnet: String) -> String {
        id("rg-net", "Microsoft.Network/virtualNetworks", network) + "/subnets/\(subnet)"
    }

    static func manifest() -> Manifest {
        let classic = VirtualMachine(
            id: "classic01", name: "classic01", resourceGroup: "cs-legacy", subscriptionId: subscription,
            location: "westeurope",
            size: "Small", osType: .windows, osDisk: Disk(name: "classic01-os", kind: .vhd),
            classic: ClassicVMSettings(
                roleName: "classic01", roleSize: "Small", osDisk: ClassicDisk(diskName: "classic01-os"),
                source: .getDeployment))
        return Manifest(
            virtualMachines: [
                vm(
                    "app01", location: "westeurope", os: .windows,
                    agent: GuestAgent(version: "2.7.41491.1102", status: "Ready"), nic: "nic-app01"),
                classic,
                vm(
                    "db01", location: "westeurope", os: .linux, agent: GuestAgent(version: "2.2.53", status: "Ready"),
                    backup: BackupProtection(vaultId: targetVault, protectionState: "Protected"), nic: "nic-db01"),
                vm(
                    "legacy01", location: "westeurope", os: .windows, managed: false,
                    agent: GuestAgent(version: "2.6.1198.700", status: "Not Ready"),
                    backup: BackupProtection(vaultId: otherVault, protectionState: "Protected"), nic: "nic-legacy01"),
                vm("web01", location: "eastus", os: .linux, agent: nil, nic: "nic-web01"),
            ],
            networkInterfaces: [
                nic("nic-app01", location: "westeurope", nsg: "nsg-app", subnet: subnetID("vnet-prod", "app")),
                nic("nic-db01", location: "westeurope", nsg: "nsg-db", subnet: subnetID("vnet-prod", "app")),
                nic("nic-legacy01", location: "westeurope", nsg: "nsg-legacy", subnet: subnetID("vnet-prod", "app")),
                nic("nic-web01", location: "eastus", nsg: nil, subnet: subnetID("vnet-east", "web")),
            ],
            networkSecurityGroups: [
                NetworkSecurityGroup(
                    id: nsgID("nsg-app"), name: "nsg-app", resourceGroup: "rg-net", subscriptionId: subscription,
                    location: "westeurope",
                    securityRules: [outbound("deny-internet", 4000, "Deny", "Internet")]),
                NetworkSecurityGroup(
                    id: nsgID("nsg-db"), name: "nsg-db", resourceGroup: "rg-net", subscriptionId: subscription,
                    location: "westeurope",
                    securityRules: [outbound("deny-all-out", 100, "Deny", "*")]),
                NetworkSecurityGroup(
                    id: nsgID("nsg-legacy"), name: "nsg-legacy", resourceGroup: "rg-net", subscriptionId: subscription,
                    location: "westeurope",
                    securityRules: [outbound("deny-all-out", 200, "Deny", "*")]),
                NetworkSecurityGroup(
                    id: nsgID("nsg-subnet-app"), name: "nsg-subnet-app", resourceGroup: "rg-net",
                    subscriptionId: subscription,
                    location: "westeurope",
                    securityRules: [
                        outbound("allow-storage", 200, "Allow", "Storage.westeurope", ports: ["443", "8443"]),
                        outbound("deny-internet", 300, "Deny", "Internet"),
                    ]),
            ],
            virtualNetworks: [
                network("vnet-prod", location: "westeurope", subnet: "app", nsg: "nsg-subnet-app"),
                network("vnet-east", location: "eastus", subnet: "web", nsg: "nsg-east"),
            ])
    }

    static let limitations = [
        Finding(
            severity: .info, code: "restore.special.multipleNICs", message: "app01 has 3 NICs and sits behind lb-web",
            vm: "app01",
            action: "Restore app01 only through rewire's scripts."),
        Finding(
            severity: .warning, code: "guest.networkDrives",
            message: "db01 maps Z: to \\\\files\\share, which is not in a backup", vm: "db01"),
    ]

    static let options = PrepareOptions(
        vaultNaming: .prefix("rsv-prod-"), redundancy: .locallyRedundant, policyName: "DailyPolicy",
        proxy: try? ProxyAddress(parsing: "10.0.0.4:3128"), resourceGroup: "rg-backup",
        regenerateCommand:
            "rewire prepare manifest.json -o prepare --vault-prefix rsv-prod- --redundancy LocallyRedundant --policy DailyPolicy --proxy 10.0.0.4:3128 --resource-group rg-backup"
    )

    static func generate(
        _ manifest: Manifest = manifest(), options: PrepareOptions = options, limitations: [Finding] = limitations
    ) throws
        -> (plan: PreparePlan, files: [GeneratedFile])
    {
        try PrepareGenerator(options: options).generate(manifest, limitations: limitations)
    }

    /// prepare.ps1 of a generation, written for pscheck, with its calls.
    static func calls(_ files: [GeneratedFile]) throws -> (findings: String, calls: [PSCheck.Call]) {
        let directory = try TemporaryDirectory()
        let script = try #require(files.first { $0.name == "prepare.ps1" })
        let path = try directory.write("prepare.ps1", script.contents)
        return (try PSCheck.findings([path]), try PSCheck.calls([path]))
    }
}

@Suite("Prepare: scripts and plan for a constructed estate")
struct PrepareScriptTests {
    @Test func planDecidesEveryVM() throws {
        let plan = try PrepareEstate.generate().plan
        #expect(plan.vaults.map(\.name) == ["rsv-prod-eastus", "rsv-prod-westeurope"])
        #expect(
            plan.vaults.allSatisfy {
                $0.resourceGroup == "rg-backup" && $0.redundancy == .locallyRedundant && $0.policyName == "DailyPolicy"
            })
        let actions = Dictionary(uniqueKeysWithValues: plan.virtualMachines.map { ($0.name, $0.action) })
        #expect(actions["app01"] == .protect(vault: "rsv-prod-westeurope"))
        #expect(actions["web01"] == .protect(vault: "rsv-prod-eastus"))
        #expect(actions["db01"] == .alreadyProtected(vault: "rsv-prod-westeurope"))
        #expect(actions["legacy01"] == .protectedByAnotherVault(vaultId: PrepareEstate.otherVault))
        #expect(actions["classic01"] == .classic)
        #expect(plan.protectedNow.map(\.name) == ["app01", "web01"])
    }

    @Test func passesPSCheckWithZeroFindings() throws {
        let (findings, _) = try PrepareEstate.calls(try PrepareEstate.generate().files)
        #expect(findings.isEmpty, "\(findings)")
    }

    /// One vault per region, in that region; redundancy before the first protection; protection for
    /// exactly the VMs not protected yet.
    @Test func callsShowOneVaultPerRegionRedundancyFirstAndProtectionForTheUnprotected() throws {
        let (_, calls) = try PrepareEstate.calls(try PrepareEstate.generate().files)
        let gets = calls.filter { $0.resolved == "Get-AzRecoveryServicesVault" }
        let creates = calls.filter { $0.resolved == "New-AzRecoveryServicesVault" }
        #expect(gets.map { $0.value("Name")?.strings ?? [] } == [["rsv-prod-eastus"], ["rsv-prod-westeurope"]])
        #expect(creates.map { $0.value("Name")?.strings ?? [] } == [["rsv-prod-eastus"], ["rsv-prod-westeurope"]])
        #expect(creates.map { $0.value("Location")?.strings ?? [] } == [["eastus"], ["westeurope"]])
        #expect(creates.allSatisfy { $0.value("ResourceGroupName")?.strings == ["rg-backup"] })
        let redundancy = calls.filter { $0.resolved == "Set-AzRecoveryServicesBackupProperty" }
        #expect(redundancy.count == 2)
        #expect(redundancy.allSatisfy { $0.value("BackupStorageRedundancy")?.strings == ["LocallyRedundant"] })
        let enables = calls.filter { $0.resolved == "Enable-AzRecoveryServicesBackupProtection" }
        #expect(enables.map { $0.value("Name")?.strings ?? [] } == [["app01"], ["web01"]])
        let lastRedundancy = try #require(redundancy.map(\.line).max())
        #expect(enables.allSatisfy { $0.line > lastRedundancy })
        // Each VM's protection uses its own region's vault and policy.
        #expect(enables.map { $0.raw("VaultId") ?? "" } == ["$vault2.ID", "$vault1.ID"])
        #expect(enables.map { $0.raw("Policy") ?? "" } == ["$policy2", "$policy1"])
        let policies = calls.filter { $0.resolved == "Get-AzRecoveryServicesBackupProtectionPolicy" }
        #expect(policies.allSatisfy { $0.value("Name")?.strings == ["DailyPolicy"] })
    }

    @Test func alreadyProtectedVMsAreSkippedAndOtherVaultsVMsReportedNotTouched() throws {
        let files = try PrepareEstate.generate().files
        let (_, calls) = try PrepareEstate.calls(files)
        let touched = calls.filter {
            [
                "Enable-AzRecoveryServicesBackupProtection", "Invoke-AzVMRunCommand",
                "Get-AzRecoveryServicesBackupStatus",
            ].contains($0.resolved ?? "")
        }
        #expect(
            !touched.contains { ($0.value("Name")?.strings ?? $0.value("VMName")?.strings ?? []).contains("legacy01") })
        #expect(
            !calls.contains {
                $0.resolved == "Enable-AzRecoveryServicesBackupProtection" && $0.value("Name")?.strings == ["db01"]
            })
        let warnings = calls.filter { $0.resolved == "Write-Warning" }.flatMap {
            $0.positional.compactMap(\.value).flatMap(\.strings)
        }
        #expect(warnings.contains { $0.contains("legacy01") && $0.contains("rsv-old") && $0.contains("not touched") })
        #expect(warnings.contains { $0.contains("classic01") })
        let report = try #require(files.first { $0.name == "PREPARE.md" }).contents
        #expect(report.contains("| legacy01 | westeurope | Windows |"))
        #expect(report.contains("report only: protected by another vault"))
        #expect(report.contains("skip: already protected by the target vault"))
        #expect(report.contains("rsv-prod-westeurope | rg-backup | LocallyRedundant | DailyPolicy | app01 | db01 |"))
    }

    @Test func readinessReadsEveryPreparedVMsAgentWithTheWindowsMinimum() throws {
        let files = try PrepareEstate.generate().files
        let (_, calls) = try PrepareEstate.calls(files)
        let checks = calls.filter { $0.command == "Get-RewireAgentProblem" }
        #expect(checks.map { $0.value("Name")?.strings ?? [] } == [["app01"], ["db01"], ["web01"]])
        #expect(checks.map { $0.value("MinimumVersion")?.strings ?? [] } == [["2.6.1198.718"], [""], [""]])
        let status = try #require(calls.first { $0.resolved == "Get-AzVM" })
        #expect(status.has("Status"))
        let script = try #require(files.first { $0.name == "prepare.ps1" }).contents
        #expect(
            script.contains(
                "[version]::TryParse($agent.VMAgentVersion, [ref] $version) -or $version -lt [version] $MinimumVersion")
        )
        // Readiness comes before the first change.
        let firstCheck = try #require(checks.map(\.line).min())
        let firstChange = try #require(
            calls.filter {
                ["Add-AzNetworkSecurityRuleConfig", "Invoke-AzVMRunCommand", "New-AzRecoveryServicesVault"].contains(
                    $0.resolved ?? "")
            }.map(\.line).min())
        #expect(firstCheck < firstChange)
        let report = try #require(files.first { $0.name == "PREPARE.md" }).contents
        #expect(report.contains("| app01 | westeurope | Windows | Ready, version 2.7.41491.1102 |"))
        #expect(report.contains("Not Ready, version 2.6.1198.700 (below 2.6.1198.718)"))
        #expect(report.contains("| web01 | eastus | Linux | not in the input (no instance view) |"))
    }

    @Test func securityRulesOnlyWhereABlockingDenyHasAFreePriority() throws {
        let (plan, files) = try PrepareEstate.generate()
        let (_, calls) = try PrepareEstate.calls(files)
        let adds = calls.filter { $0.resolved == "Add-AzNetworkSecurityRuleConfig" }
        #expect(adds.count == 1)
        let add = try #require(adds.first)
        #expect(add.value("Name")?.strings == ["rewire-allow-backup-storage"])
        #expect(add.value("Priority") == .number(3999))
        #expect(add.value("Direction")?.strings == ["Outbound"])
        #expect(add.value("Access")?.strings == ["Allow"])
        #expect(add.value("DestinationAddressPrefix")?.strings == ["Storage.westeurope"])
        #expect(add.value("DestinationPortRange")?.strings == ["443", "8443"])
        #expect(calls.filter { $0.resolved == "Set-AzNetworkSecurityGroup" }.count == 1)
        let get = try #require(calls.first { $0.resolved == "Get-AzNetworkSecurityGroup" })
        #expect(get.value("Name")?.strings == ["nsg-app"])
        // nsg-db: no free priority, a blocker; nsg-east: not captured; nsg-subnet-app: allowed; nsg-legacy: not looked at.
        #expect(
            plan.findings.map(\.code) == ["prepare.securityGroup.noFreePriority", "prepare.securityGroup.notCaptured"])
        #expect(plan.securityGroups.map(\.name).sorted() == ["nsg-app", "nsg-db", "nsg-east", "nsg-subnet-app"])
        let report = try #require(files.first { $0.name == "PREPARE.md" }).contents
        #expect(
            report.contains("| nsg-subnet-app | subnet vnet-prod/app | app01, db01 | open: allowed by allow-storage |"))
        #expect(
            report.contains(
                "BLOCKER: deny-all-out (priority 100) denies 443, 8443 and it has the highest priority there is (100); no rule added"
            ))
        #expect(report.contains("| blocker | db01 | `prepare.securityGroup.noFreePriority` |"))
    }

    @Test func proxyStepsForLinuxAndWindowsCarryTheGuestScriptsAsLiterals() throws {
        let files = try PrepareEstate.generate().files
        let (_, calls) = try PrepareEstate.calls(files)
        let runs = calls.filter { $0.resolved == "Invoke-AzVMRunCommand" }
        #expect(runs.map { $0.value("VMName")?.strings ?? [] } == [["app01"], ["db01"], ["web01"]])
        #expect(
            runs.map { $0.value("CommandId")?.strings ?? [] } == [
                ["RunPowerShellScript"], ["RunShellScript"], ["RunShellScript"],
            ])
        let proxy = try ProxyAddress(parsing: "10.0.0.4:3128")
        let windows = try #require(runs.first?.value("ScriptString")?.strings.first)
        #expect(windows == ProxyGuestScript.text(for: .windows, proxy: proxy))
        #expect(windows.contains("netsh.exe winhttp set proxy proxy-server=\"$server\""))
        #expect(
            windows.contains(
                #"Registry::HKEY_USERS\S-1-5-18\Software\Microsoft\Windows\CurrentVersion\Internet Settings"#))
        #expect(windows.contains("DefaultConnectionSettings") && windows.contains("ProxyServer"))
        let linux = try #require(runs.last?.value("ScriptString")?.strings.first)
        #expect(linux == ProxyGuestScript.text(for: .linux, proxy: proxy))
        #expect(linux.contains("proxy='http://10.0.0.4:3128'") && linux.contains("/etc/waagent.conf"))
        let report = try #require(files.first { $0.name == "PREPARE.md" }).contents
        #expect(report.contains("## Proxy") && report.contains("10.0.0.4:3128"))
    }

    @Test func withoutAProxyThereIsNoRunCommand() throws {
        var options = PrepareEstate.options
        options.proxy = nil
        let files = try PrepareEstate.generate(options: options).files
        let (findings, calls) = try PrepareEstate.calls(files)
        #expect(findings.isEmpty, "\(findings)")
        #expect(!calls.contains { $0.resolved == "Invoke-AzVMRunCommand" })
        #expect(!(try #require(files.first { $0.name == "PREPARE.md" }).contents.contains("## Proxy")))
    }

    /// The Linux guest script, run twice against a copy of /etc: same files after the second run.
    @Test func linuxProxyScriptIsIdempotent() throws {
        let directory = try TemporaryDirectory()
        let etc = directory.path("etc")
        _ = try directory.write("etc/environment", "PATH=\"/usr/local/sbin:/usr/bin\"\nhttp_proxy=http://old:1\n")
        _ = try directory.write(
            "etc/waagent.conf", "Provisioning.Enabled=n\n# HttpProxy.Host=None\nHttpProxy.Host=old\nHttpProxy.Port=1\n")
        let text = ProxyGuestScript.text(for: .linux, proxy: try ProxyAddress(parsing: "proxy.corp.example:8080"))
            .replacingOccurrences(of: "/etc/", with: etc + "/")
        let script = try directory.write("proxy.sh", text)
        // No systemd unit is found here, so nothing restarts.
        let environment = ["PATH": "/usr/bin:/bin"]
        let first = try ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), [script], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        let afterFirst =
            try String(contentsOfFile: "\(etc)/environment", encoding: .utf8)
            + String(contentsOfFile: "\(etc)/waagent.conf", encoding: .utf8)
        let second = try ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), [script], environment: environment)
        #expect(second.status == 0, "\(second.stderr)")
        let afterSecond =
            try String(contentsOfFile: "\(etc)/environment", encoding: .utf8)
            + String(contentsOfFile: "\(etc)/waagent.conf", encoding: .utf8)
        #expect(afterFirst == afterSecond)
        #expect(
            try String(contentsOfFile: "\(etc)/environment", encoding: .utf8)
                == "PATH=\"/usr/local/sbin:/usr/bin\"\nhttp_proxy=http://proxy.corp.example:8080\nhttps_proxy=http://proxy.corp.example:8080\nno_proxy=169.254.169.254,168.63.129.16\n"
        )
        #expect(
            try String(contentsOfFile: "\(etc)/waagent.conf", encoding: .utf8)
                == "Provisioning.Enabled=n\n# HttpProxy.Host=None\nHttpProxy.Host=proxy.corp.example\nHttpProxy.Port=8080\n"
        )
    }

    /// The Windows guest script is PowerShell too: it passes pscheck on its own.
    @Test func windowsProxyScriptPassesPSCheck() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "proxy.ps1", ProxyGuestScript.text(for: .windows, proxy: try ProxyAddress(parsing: "10.0.0.4:3128")))
        let findings = try PSCheck.findings([path])
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test func limitationsAreListedAtTheTopWithWhatTheyMeanForTheRestore() throws {
        let files = try PrepareEstate.generate().files
        let report = try #require(files.first { $0.name == "PREPARE.md" }).contents
        let limitations = try #require(report.range(of: "## Limitations to know before relying on the backup"))
        let vaults = try #require(report.range(of: "## Vaults"))
        #expect(limitations.lowerBound < vaults.lowerBound)
        #expect(
            report.contains(
                "| info | app01 | `restore.special.multipleNICs` | app01 has 3 NICs and sits behind lb-web | Restore app01 only through rewire's scripts. |"
            ))
        #expect(report.contains("| warning | db01 | `guest.networkDrives` |"))
        let script = try #require(files.first { $0.name == "prepare.ps1" }).contents
        #expect(script.contains("#   info: app01: app01 has 3 NICs and sits behind lb-web"))
    }

    @Test func matchesTheGoldenFiles() throws {
        let golden = Paths.repository.appendingPathComponent("Tests/ScriptGenTests/Golden/prepare/constructed")
        for file in try PrepareEstate.generate().files {
            let mismatch = try Golden.mismatch(file.contents, golden: golden.appendingPathComponent(file.name))
            #expect(mismatch == nil, "\(mismatch ?? "")")
        }
    }

    /// A VM in another subscription than its vault: the script selects each subscription only when
    /// it changes, and names the VM's subscription when protecting it.
    @Test func aVMInAnotherSubscriptionIsProtectedAcrossSubscriptions() throws {
        var manifest = PrepareEstate.manifest()
        manifest.virtualMachines[0].subscriptionId = "99999999-0000-0000-0000-000000000000"
        let files = try PrepareEstate.generate(manifest).files
        let (findings, calls) = try PrepareEstate.calls(files)
        #expect(findings.isEmpty, "\(findings)")
        let contexts = calls.filter { $0.resolved == "Set-AzContext" }.map {
            $0.value("Subscription")?.strings.first ?? ""
        }
        let other = "99999999-0000-0000-0000-000000000000"
        let main = PrepareEstate.subscription
        // readiness app01 | db01, web01 | NSG rule (rg-net in main) | proxy app01 | db01, web01 | vaults | protect app01 | web01
        #expect(contexts == [other, main, other, main, other, main])
        let enables = calls.filter { $0.resolved == "Enable-AzRecoveryServicesBackupProtection" }
        #expect(enables.map { $0.value("ContainerSubscriptionId")?.strings.first } == [other, nil])
    }

    @Test func isTheSameBytesEveryTime() throws {
        #expect(try PrepareEstate.generate().files == (try PrepareEstate.generate().files))
    }

    /// A value with quotes and a line break reaches the script as data, never as code.
    @Test func hostileNamesStayInsideTheirLiterals() throws {
        var manifest = PrepareEstate.manifest()
        manifest.virtualMachines[0].name = "app'01\n; Remove-AzResourceGroup -Name x #"
        manifest.virtualMachines[0].resourceGroup = "rg’app"
        let files = try PrepareEstate.generate(manifest).files
        let (findings, calls) = try PrepareEstate.calls(files)
        #expect(findings.isEmpty, "\(findings)")
        #expect(!calls.contains { $0.resolved == "Remove-AzResourceGroup" })
        let enable = try #require(calls.first { $0.resolved == "Enable-AzRecoveryServicesBackupProtection" })
        #expect(enable.value("Name")?.strings == [manifest.virtualMachines[0].name])
        #expect(enable.value("ResourceGroupName")?.strings == ["rg’app"])
    }
}

@Suite("Prepare: vault names and options")
struct PrepareOptionTests {
    static func plan(
        _ naming: PrepareOptions.VaultNaming, resourceGroup: String? = nil,
        manifest: Manifest = PrepareEstate.manifest()
    ) throws
        -> PreparePlan
    {
        try PreparePlanner(
            options: PrepareOptions(
                vaultNaming: naming, resourceGroup: resourceGroup, regenerateCommand: "rewire prepare")
        )
        .plan(manifest, limitations: [])
    }

    static func oneRegion() -> Manifest {
        var manifest = PrepareEstate.manifest()
        manifest.virtualMachines.removeAll { $0.location == "eastus" }
        return manifest
    }

    @Test(arguments: [
        "1vault", "a", "rsv_prod", "rsv prod", "rsv.prod", String(repeating: "v", count: 51), "", "rsv-prød",
    ])
    func invalidVaultNamesAreRefusedBeforeAnythingIsWritten(name: String) {
        #expect {
            try Self.plan(.name(name), manifest: Self.oneRegion())
        } throws: { error in
            guard let error = error as? PrepareError else { return false }
            return error.kind == .usage && error.message.hasPrefix("--vault-name: vault name '\(name)'")
        }
    }

    @Test(arguments: ["rv", "rsv-prod", "Vault-01", String(repeating: "v", count: 50)])
    func validVaultNamesAreUsed(name: String) throws {
        #expect(try Self.plan(.name(name), manifest: Self.oneRegion()).vaults.map(\.name) == [name])
    }

    @Test func oneVaultNameForTwoRegionsIsAUsageError() {
        #expect {
            try Self.plan(.name("rsv-prod"))
        } throws: { error in
            guard let error = error as? PrepareError else { return false }
            return error.kind == .usage && error.message.contains("2 regions (eastus, westeurope)")
                && error.message.contains("--vault-prefix")
        }
    }

    @Test(arguments: ["9rsv-", "rsv_", "rsv.", ""])
    func invalidPrefixesAreRefused(prefix: String) {
        #expect(throws: PrepareError.self) { try Self.plan(.prefix(prefix)) }
    }

    /// A valid prefix can still make a name too long for one region: the error names the region.
    @Test func aPrefixThatMakesATooLongNameNamesTheRegion() {
        #expect {
            try Self.plan(.prefix(String(repeating: "p", count: 42)))
        } throws: { error in
            (error as? PrepareError)?.message.contains("the vault for region westeurope") == true
        }
    }

    /// Without a name, the vault that already protects a region's VMs is used (with its group).
    @Test func automaticNamingAdoptsTheVaultThatAlreadyProtectsTheRegion() throws {
        let plan = try Self.plan(.automatic)
        let westeurope = try #require(plan.vaults.first { $0.region == "westeurope" })
        // db01 is protected by rsv-prod-westeurope and legacy01 by rsv-old: a tie, broken by id.
        #expect([westeurope.name, westeurope.resourceGroup] == ["rsv-prod-westeurope", "rg-backup"])
        #expect(westeurope.alreadyProtectsVMs)
        #expect(
            plan.virtualMachines.first { $0.name == "db01" }?.action == .alreadyProtected(vault: "rsv-prod-westeurope"))
        let eastus = try #require(plan.vaults.first { $0.region == "eastus" })
        #expect([eastus.name, eastus.resourceGroup] == ["rsv-eastus", "rg-app"])
        #expect(!eastus.alreadyProtectsVMs)
        // With a resource group given, only a vault in that group is adopted.
        let inOld = try Self.plan(.automatic, resourceGroup: "rg-old")
        #expect(inOld.vaults.first { $0.region == "westeurope" }?.name == "rsv-old")
        #expect(inOld.virtualMachines.first { $0.name == "legacy01" }?.action == .alreadyProtected(vault: "rsv-old"))
        #expect(
            inOld.virtualMachines.first { $0.name == "db01" }?.action
                == .protectedByAnotherVault(vaultId: PrepareEstate.targetVault))
    }

    @Test(arguments: [
        ("10.0.0.4:3128", true), ("proxy.corp.example:8080", true), ("proxy:65535", true),
        ("http://10.0.0.4:3128", false), ("10.0.0.4", false), ("10.0.0.4:0", false), ("10.0.0.4:70000", false),
        ("proxy';rm -rf /:80", false), (":80", false), ("-proxy:80", false), ("prox y:80", false),
    ])
    func proxyAddressesAreValidated(text: String, valid: Bool) {
        let parsed = try? ProxyAddress(parsing: text)
        #expect((parsed != nil) == valid)
        if let parsed { #expect(parsed.description == text) }
    }

    @Test(arguments: ["rg backup", "rg/backup", "rg.", String(repeating: "r", count: 91)])
    func invalidResourceGroupsAreRefused(group: String) {
        #expect(throws: PrepareError.self) { try Self.plan(.automatic, resourceGroup: group) }
    }
}

@Suite("Prepare: the example estate and the shared fixtures")
struct PrepareFixtureTests {
    static func generate(_ manifest: Manifest) throws -> [GeneratedFile] {
        try PrepareGenerator(options: PrepareOptions(regenerateCommand: "rewire prepare manifest.json -o prepare"))
            .generate(manifest, limitations: manifest.findings).files
    }

    @Test func theExampleEstateProtectsBothVMsInOneVault() throws {
        let manifest = try exampleManifest()
        let (findings, calls) = try PrepareEstate.calls(try Self.generate(manifest))
        #expect(findings.isEmpty, "\(findings)")
        #expect(
            calls.filter { $0.resolved == "New-AzRecoveryServicesVault" }.map { $0.value("Location")?.strings ?? [] }
                == [["westeurope"]])
        #expect(
            calls.filter { $0.resolved == "Enable-AzRecoveryServicesBackupProtection" }.map {
                $0.value("Name")?.strings ?? []
            }
                == manifest.virtualMachines.map { [$0.name] })
    }

    /// Every published ARM example alone and all together: prepare.ps1 passes pscheck, with one
    /// vault per region that has VMs and one protection per VM.
    @Test func armFixturesPassPSCheckAloneAndTogether() throws {
        let directory = try TemporaryDirectory()
        var paths: [String] = []
        var expected: [(path: String, regions: Set<String>, vms: [String])] = []
        var all = Capture()
        for (index, example) in ARMFixtures.resourceExamples().enumerated() {
            let bytes = [UInt8](try ARMFixtures.body(of: example))
            var alone = Capture()
            try alone.add(file: example.lastPathComponent, bytes: bytes)
            try all.add(file: example.lastPathComponent, bytes: bytes)
            let manifest = try alone.finish()
            let script = try #require(try Self.generate(manifest).first { $0.name == "prepare.ps1" })
            let path = try directory.write("\(index)/prepare.ps1", script.contents)
            paths.append(path)
            expected.append(
                (
                    path, Set(manifest.virtualMachines.map { $0.location.lowercased().filter { $0 != " " } }),
                    manifest.virtualMachines.map(\.name)
                ))
        }
        let manifest = try all.finish()
        let script = try #require(try Self.generate(manifest).first { $0.name == "prepare.ps1" })
        let path = try directory.write("all/prepare.ps1", script.contents)
        paths.append(path)
        expected.append(
            (
                path, Set(manifest.virtualMachines.map { $0.location.lowercased().filter { $0 != " " } }),
                manifest.virtualMachines.map(\.name)
            ))
        #expect(!manifest.virtualMachines.isEmpty)
        let findings = try PSCheck.findings(paths)
        #expect(findings.isEmpty, "\(findings)")
        let calls = try PSCheck.calls(paths)
        for entry in expected {
            let mine = calls.filter { $0.file == entry.path }
            let vaults = mine.filter { $0.resolved == "New-AzRecoveryServicesVault" }.flatMap {
                $0.value("Location")?.strings ?? []
            }
            #expect(vaults.count == entry.regions.count && Set(vaults) == entry.regions, "\(entry.path)")
            let enables = mine.filter { $0.resolved == "Enable-AzRecoveryServicesBackupProtection" }.flatMap {
                $0.value("Name")?.strings ?? []
            }
            #expect(enables == entry.vms, "\(entry.path)")
        }
    }

    /// Classic VMs are out of scope: no vault, no protection, a warning in the script and the report.
    @Test func classicFixturesAreReportedOnly() throws {
        let manifest = try ClassicScriptTests.manifest(["xplat-get-deployment-multi-nic.xml"])
        #expect(!manifest.virtualMachines.isEmpty)
        let files = try Self.generate(manifest)
        let (findings, calls) = try PrepareEstate.calls(files)
        #expect(findings.isEmpty, "\(findings)")
        #expect(!calls.contains { ($0.resolved ?? "").contains("RecoveryServices") })
        let warnings = calls.filter { $0.resolved == "Write-Warning" }.flatMap {
            $0.positional.compactMap(\.value).flatMap(\.strings)
        }
        #expect(warnings.count == manifest.virtualMachines.count)
        let report = try #require(files.first { $0.name == "PREPARE.md" }).contents
        #expect(report.contains("Classic VMs are out of scope"))
    }

    /// Every classic fixture: prepare.ps1 passes pscheck and touches nothing.
    @Test func everyClassicFixturePassesPSCheck() throws {
        let directory = try TemporaryDirectory()
        var paths: [String] = []
        for (index, name) in ClassicScriptTests.vmFixtures.enumerated() {
            let manifest = try ClassicScriptTests.manifest([name])
            let script = try #require(try Self.generate(manifest).first { $0.name == "prepare.ps1" })
            paths.append(try directory.write("\(index)/prepare.ps1", script.contents))
        }
        #expect(paths.count > 5)
        let findings = try PSCheck.findings(paths)
        #expect(findings.isEmpty, "\(findings)")
        #expect(
            !(try PSCheck.calls(paths)).contains {
                ($0.resolved ?? "").contains("RecoveryServices") || $0.resolved == "Invoke-AzVMRunCommand"
            })
    }
}
