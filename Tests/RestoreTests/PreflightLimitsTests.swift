import Restore
import RewireModel
import Testing

@Suite("Preflight: documented limits by era")
struct PreflightLimitsTests {
    private func dynamic(_ change: @escaping (inout Manifest) -> Void) -> Manifest {
        PreflightEstate.manifest {
            $0.networkInterfaces[0].ipConfigurations[0].privateIPAllocationMethod = .dynamic
            change(&$0)
        }
    }

    private func disks(_ count: Int, kind: DiskKind = .managed, sizeGB: Int = 64) -> Manifest {
        dynamic {
            let vm = PreflightEstate.vm(dataDisks: count, diskSizeGB: sizeGB, kind: kind)
            $0.virtualMachines[0].dataDisks = vm.dataDisks
            $0.virtualMachines[0].osDisk = vm.osDisk
        }
    }

    // MARK: data disks

    @Test(arguments: [
        (LimitationProfile.classic2015, 17, DiskKind.managed, true), (.classic2015, 16, .managed, false),
        (.arm2018, 17, .managed, true), (.arm2018, 16, .managed, false),
        (.current, 17, .managed, false), (.current, 32, .managed, false), (.current, 33, .managed, true),
        (.current, 17, .vhd, true), (.current, 16, .vhd, false),
    ])
    func dataDiskCountFollowsTheEraAndTheDiskKind(profile: LimitationProfile, count: Int, kind: DiskKind, blocked: Bool)
    {
        let findings = preflight(disks(count, kind: kind), profile).filter { $0.code == "limit.dataDisks.count" }
        #expect(findings.count == (blocked ? 1 : 0))
        if let finding = findings.first {
            #expect(finding.severity == .blocker && finding.vm == "app01" && finding.setting == "dataDisks")
            #expect(finding.message.contains("\(count) data disks"))
        }
    }

    // MARK: disk size

    @Test(arguments: [
        (LimitationProfile.classic2015, 1023, nil as Severity?), (.classic2015, 1024, .blocker),
        (.arm2018, 1023, nil), (.arm2018, 2048, .blocker), (.arm2018, 4096, .blocker),
        (.current, 4096, nil), (.current, 32767, nil), (.current, 32768, .warning), (.current, 65536, .warning),
        (.current, 65537, .blocker),
    ])
    func diskSizeFollowsTheEra(profile: LimitationProfile, sizeGB: Int, expected: Severity?) {
        let findings = preflight(disks(0, sizeGB: sizeGB), profile).filter { $0.code == "limit.disk.size" }
        #expect(findings.map(\.severity) == [expected].compactMap { $0 })
        #expect(findings.allSatisfy { $0.setting == "osDisk.sizeGB" && $0.message.contains("\(sizeGB) GB") })
    }

    @Test func armEraSizeFindingPointsAtBackupStackV2OnlyBelow4095() {
        let mid = preflight(disks(0, sizeGB: 2048), .arm2018).first { $0.code == "limit.disk.size" }
        #expect(mid?.message.contains("UserErrorUnsupportedDiskSize") == true)
        #expect(mid?.action?.contains("backup stack V2") == true)
        let big = preflight(disks(0, sizeGB: 5000), .arm2018).first { $0.code == "limit.disk.size" }
        #expect(big?.action?.contains("4095") == true)
    }

    @Test func totalDiskSizeIsLimitedTo512TBPerVMNow() {
        // OS disk plus 7 data disks of 64 TB is exactly 512 TB; one more is over.
        #expect(!codes(preflight(disks(7, sizeGB: 65536))).contains("limit.disk.totalSize"))
        let over = preflight(disks(8, sizeGB: 65536)).filter { $0.code == "limit.disk.totalSize" }
        #expect(over.map(\.severity) == [.blocker] && over[0].message.contains("589824 GB"))
    }

    @Test func unmanagedDisksStayAt4095InTheCurrentEra() {
        #expect(codes(preflight(disks(1, kind: .vhd, sizeGB: 4096), .current)).contains("limit.disk.size"))
        #expect(!codes(preflight(disks(1, kind: .vhd, sizeGB: 4095), .current)).contains("limit.disk.size"))
    }

    // MARK: regions

    @Test(arguments: [(LimitationProfile.classic2015, Severity.blocker), (.arm2018, .blocker), (.current, .warning)])
    func crossRegionRestoreIsABlockerBeforeCurrentAndAConditionalWarningNow(
        profile: LimitationProfile, severity: Severity
    ) {
        let findings = preflight(dynamic { _ in }, profile, targetLocation: "northeurope").filter {
            $0.code == "restore.crossRegion"
        }
        #expect(findings.map(\.severity) == [severity])
        if profile == .current { #expect(findings[0].message.contains("Cross Region Restore")) }
        // The same region, written the portal's way, is not cross-region.
        #expect(preflight(dynamic { _ in }, profile, targetLocation: "West Europe").isEmpty)
    }

    @Test func vaultInAnotherRegionIsABlocker() {
        let findings = preflight(dynamic { _ in }, vaultLocation: "eastus")
        #expect(codes(findings) == ["vault.region.mismatch"])
        #expect(findings[0].severity == .blocker && findings[0].message.contains("westeurope"))
        #expect(preflight(dynamic { _ in }, vaultLocation: "WestEurope").isEmpty)
        // A VM whose region the input did not give (classic Get Role) is not compared.
        #expect(preflight(dynamic { $0.virtualMachines[0].location = "" }, vaultLocation: "eastus", targetLocation: "eastus").isEmpty)
    }

    @Test(arguments: [
        ("rsv-prod-01", true), ("r", false), ("1vault", false), ("rsv_prod", false),
        (String(repeating: "v", count: 51), false),
    ])
    func vaultNameFollowsTheNamingRules(name: String, valid: Bool) {
        let findings = preflight(dynamic { _ in }, vaultName: name)
        #expect(codes(findings) == (valid ? [] : ["vault.name.invalid"]))
        #expect(findings.allSatisfy { $0.vm == nil && $0.severity == .blocker })
    }

    @Test func vaultThatDoesNotProtectTheVMAndStoppedProtectionAreWarnings() {
        let vaultID =
            "\(PreflightEstate.sub)/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod"
        let manifest = dynamic {
            $0.virtualMachines[0].backup = BackupProtection(vaultId: vaultID, protectionState: "ProtectionStopped")
        }
        let findings = preflight(manifest, vaultName: "rsv-dr")
        #expect(codes(findings) == ["backup.notProtected", "vault.notProtecting"])
        #expect(findings.allSatisfy { $0.severity == .warning })
        #expect(findings[0].message.contains("no recovery point") && findings[1].message.contains("'rsv-prod'"))
        let healthy = dynamic {
            $0.virtualMachines[0].backup = BackupProtection(vaultId: vaultID, protectionState: "Protected")
        }
        #expect(preflight(healthy, vaultName: "RSV-PROD").isEmpty)
        #expect(preflight(healthy).isEmpty)
    }

    // MARK: operating system

    @Test(arguments: [
        ("osVersion", "6.0.6002", true), ("osVersion", "5.2.3790", true), ("osVersion", "6.1.7601", false),
        ("osVersion", "10.0.17763", false),
        ("osName", "Windows Server 2008 Datacenter", true), ("osName", "Windows Server 2008 R2 Datacenter", false),
        ("caption", "Microsoft Windows Server 2003 R2 Enterprise Edition", true),
        ("caption", "Microsoft Windows Server 2019 Datacenter", false),
        ("sku", "2008-SP2", true), ("sku", "2008-R2-SP1", false), ("sku", "2019-Datacenter", false),
    ])
    func windowsBefore2008R2IsABlockerWhenKnown(source: String, value: String, unsupported: Bool) {
        let manifest = dynamic {
            switch source {
            case "osVersion": $0.virtualMachines[0].osVersion = value
            case "osName": $0.virtualMachines[0].osName = value
            case "caption": $0.virtualMachines[0].guest = GuestFacts(osCaption: value)
            default:
                $0.virtualMachines[0].image = ImageReference(
                    publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: value)
            }
        }
        let findings = preflight(manifest).filter { $0.code == "limit.os.windowsVersion" }
        #expect(findings.count == (unsupported ? 1 : 0))
        #expect(findings.allSatisfy { $0.severity == .blocker && $0.message.contains(value) })
    }

    @Test func linuxVersionsAreNotMistakenForOldWindows() {
        let manifest = dynamic {
            $0.virtualMachines[0].osType = .linux
            $0.virtualMachines[0].osVersion = "5.4"
            $0.virtualMachines[0].osName = "ubuntu"
        }
        #expect(preflight(manifest).isEmpty)
    }

    // MARK: agent

    @Test(arguments: [
        (OSType.windows, "2.6.1198.717", "Ready", ["agent.outdated"]), (.windows, "2.6.1198.718", "Ready", []),
        (.windows, "2.7.41491.1102", "Ready", []), (.windows, "Unknown", "Not Ready", ["agent.missing"]),
        (.windows, "2.7.41491.1102", "Not Ready", ["agent.notReady"]), (.linux, "2.2.49", "Ready", []),
        (.linux, "2.2.49", "Not Ready", ["agent.notReady"]), (.linux, "", "Not Ready", ["agent.missing"]),
    ])
    func agentMustBePresentReadyAndRecentEnough(os: OSType, version: String, status: String, expected: [String]) {
        let manifest = dynamic {
            $0.virtualMachines[0].osType = os
            $0.virtualMachines[0].agent = GuestAgent(version: version, status: status)
        }
        #expect(codes(preflight(manifest)) == expected)
    }

    @Test func agentNotInTheInputSaysNothing() {
        #expect(preflight(dynamic { $0.virtualMachines[0].agent = nil }).isEmpty)
    }

    // MARK: era items

    @Test(arguments: [(LimitationProfile.arm2018, true), (.classic2015, false), (.current, false)])
    func writeAcceleratorDisksAreABlockerInTheArm2018Era(profile: LimitationProfile, flagged: Bool) {
        let manifest = dynamic { $0.virtualMachines[0].dataDisks[1].writeAcceleratorEnabled = true }
        let findings = preflight(manifest, profile).filter { $0.code == "limit.disk.writeAccelerator" }
        #expect(findings.count == (flagged ? 1 : 0))
        #expect(findings.allSatisfy { $0.setting == "dataDisks[lun 1].writeAcceleratorEnabled" })
        #expect(preflight(dynamic { _ in }, profile).filter { $0.code == "limit.disk.writeAccelerator" }.isEmpty)
    }

    @Test func unmanagedDisksNoLongerGetNewBackupsInTheCurrentEra() {
        #expect(codes(preflight(disks(1, kind: .vhd), .current)) == ["limit.disk.unmanaged"])
        #expect(preflight(disks(1, kind: .vhd), .arm2018).isEmpty)
        #expect(preflight(disks(1, kind: .managed), .current).isEmpty)
    }

    @Test func zonalVMsWereNotSupportedInTheArm2018Era() {
        let manifest = dynamic { $0.virtualMachines[0].zone = "2" }
        #expect(codes(preflight(manifest, .arm2018)) == ["limit.zone.unsupported"])
        #expect(preflight(manifest, .current).isEmpty)
    }

    @Test func dockerExtensionOnLinuxWasUnsupportedInTheClassicEra() {
        let manifest = dynamic {
            $0.virtualMachines[0].osType = .linux
            $0.virtualMachines[0].extensions = [
                VMExtension(name: "docker", publisher: "Microsoft.Azure.Extensions", type: "DockerExtension")
            ]
        }
        #expect(codes(preflight(manifest, .classic2015)) == ["limit.extension.docker"])
        #expect(preflight(manifest, .current).isEmpty)
    }

    @Test func classicReservedIPWithoutEndpointIsABlockerInTheClassicEra() {
        func classic(endpoints: [ClassicInputEndpoint]) -> Manifest {
            var vm = PreflightEstate.vm(dataDisks: 0, kind: .vhd)
            vm.networkInterfaces = []
            vm.classic = ClassicVMSettings(
                cloudService: "svc-app", roleName: "app01", roleSize: "Large",
                osDisk: ClassicDisk(diskName: "app01-os"),
                inputEndpoints: endpoints,
                deployment: ClassicDeploymentSettings(name: "svc-app", reservedIPName: "rip-app"),
                source: .getDeployment)
            return Manifest(virtualMachines: [vm])
        }
        let bare = preflight(classic(endpoints: []), .classic2015)
        #expect(bare.first { $0.code == "limit.classic.reservedIPWithoutEndpoint" }?.severity == .blocker)
        let withEndpoint = preflight(
            classic(endpoints: [ClassicInputEndpoint(name: "rdp", protocol: .tcp, port: 3389, localPort: 3389)]),
            .classic2015)
        #expect(!codes(withEndpoint).contains("limit.classic.reservedIPWithoutEndpoint"))
        // The reserved IP itself is a special configuration rewire rebuilds.
        #expect(codes(withEndpoint).contains("restore.special.multipleIPs"))
    }
}
