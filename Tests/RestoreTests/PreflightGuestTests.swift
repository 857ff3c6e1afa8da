import Restore
import RewireModel
import Testing

@Suite("Preflight: facts from inside the guest")
struct PreflightGuestTests {
    private func guest(_ facts: GuestFacts?, os: OSType = .linux, extensions: [VMExtension]? = nil) -> Manifest {
        PreflightEstate.manifest {
            $0.networkInterfaces[0].ipConfigurations[0].privateIPAllocationMethod = .dynamic
            $0.virtualMachines[0].osType = os
            $0.virtualMachines[0].guest = facts
            $0.virtualMachines[0].extensions = extensions
        }
    }

    @Test(arguments: [(LimitationProfile.classic2015, Severity.blocker), (.arm2018, .blocker), (.current, .warning)])
    func luksVolumesAreABlockerInOlderErasAndAKeyWarningNow(profile: LimitationProfile, severity: Severity) {
        let findings = preflight(guest(GuestFacts(luksVolumes: ["/dev/sdc1"])), profile)
        #expect(findings.map(\.code) == ["limit.encryption.luks"])
        #expect(findings.map(\.severity) == [severity])
        #expect(findings[0].message.contains("/dev/sdc1") && findings[0].setting == "guest.luksVolumes")
        #expect(preflight(guest(GuestFacts(luksVolumes: [])), profile).isEmpty)
        // A Windows guest never gets the Linux encryption findings.
        #expect(preflight(guest(GuestFacts(luksVolumes: ["/dev/sdc1"]), os: .windows), profile).isEmpty)
    }

    @Test(arguments: [(LimitationProfile.classic2015, Severity.blocker), (.arm2018, .blocker), (.current, .info)])
    func azureDiskEncryptionForLinuxFollowsTheEra(profile: LimitationProfile, severity: Severity) {
        let ade = VMExtension(
            name: "AzureDiskEncryptionForLinux", publisher: "Microsoft.Azure.Security",
            type: "AzureDiskEncryptionForLinux")
        let findings = preflight(guest(nil, extensions: [ade]), profile)
        #expect(findings.map(\.code) == ["limit.encryption.adeLinux"])
        #expect(findings.map(\.severity) == [severity])
        let snapshot = VMExtension(
            name: "VMSnapshotLinux", publisher: "Microsoft.Azure.RecoveryServices", type: "VMSnapshotLinux")
        #expect(preflight(guest(nil, extensions: [snapshot]), profile).isEmpty)
    }

    @Test func networkDrivesAreNotInTheBackup() {
        let findings = preflight(guest(GuestFacts(networkDrives: ["Z: \\\\files01\\share"]), os: .windows))
        #expect(findings.map(\.code) == ["limit.guest.networkDrives"])
        #expect(findings[0].severity == .warning && findings[0].message.contains("files01"))
        #expect(preflight(guest(GuestFacts(networkDrives: []), os: .windows)).isEmpty)
    }

    @Test(arguments: [(LimitationProfile.classic2015, Severity.warning), (.arm2018, .warning), (.current, .blocker)])
    func clusterSharedVolumesAndScaleOutFileServersAreNotSupportedNow(profile: LimitationProfile, severity: Severity) {
        let csv = preflight(guest(GuestFacts(clusterSharedVolumes: true), os: .windows), profile)
        #expect(csv.map(\.code) == ["limit.guest.clusterSharedVolumes"] && csv.map(\.severity) == [severity])
        let sofs = preflight(guest(GuestFacts(scaleOutFileServer: true), os: .windows), profile)
        #expect(sofs.map(\.code) == ["limit.guest.scaleOutFileServer"] && sofs.map(\.severity) == [severity])
        #expect(
            preflight(guest(GuestFacts(clusterSharedVolumes: false, scaleOutFileServer: false), os: .windows), profile)
                .isEmpty)
    }

    @Test(arguments: [
        ("http://10.0.0.5:3128", "10.0.0.5:3128", false), ("http://10.0.0.5:3128/", "10.0.0.5:3128", false),
        ("http://10.0.0.5:3128", nil as String?, true), (nil as String?, "10.0.0.5:3128", true),
        ("http://10.0.0.5:3128", "10.0.0.6:3128", true), (nil, nil, false),
    ])
    func linuxProxyMustBeTheSameForTheEnvironmentAndTheAgent(environment: String?, agent: String?, mismatch: Bool) {
        let findings = preflight(guest(GuestFacts(proxy: environment, agentProxy: agent)))
        #expect(findings.map(\.code) == (mismatch ? ["network.proxy.mismatch"] : []))
        #expect(findings.allSatisfy { $0.action?.contains("/etc/waagent.conf") == true })
    }

    @Test func windowsProxyIsNotComparedWithWaagent() {
        #expect(preflight(guest(GuestFacts(proxy: "http://10.0.0.5:3128"), os: .windows)).isEmpty)
    }
}
