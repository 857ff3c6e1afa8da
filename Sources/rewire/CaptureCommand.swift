import ArgumentParser
import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import NetConfigCapture
import RewireModel

struct CaptureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Capture VMs' special settings from exported Azure JSON into a manifest.",
        discussion: """
            INPUT is a file or a folder (read recursively) of ARM REST bodies, Azure CLI output \
            (az vm show, az network nic list, ...), PowerShell ConvertTo-Json of Get-AzVM / \
            Get-AzNetworkInterface / Get-AzLoadBalancer, list bodies ({"value": [...]}) or arrays, \
            in any mix. References to resources that are not in the input are kept by id and reported.

              rewire capture exports/ -o manifest.json
              rewire capture vm.json nics.json lbs.json --vm web-01 -o web-01.json
              rewire capture --live --subscription SUB --resource-group rg-web -o manifest.json

            --live reads the same resources from Azure Resource Manager (credentials: \
            AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET, then managed identity, then \
            a logged-in az CLI) and captures them exactly as if they had been exported to files.

            Domain controllers are recorded from --domain-controller VM, from the VM tag \
            rewire-role: domain-controller (with optional rewire-ad-domain, rewire-ad-forest, \
            rewire-ad-site, rewire-ad-fsmo, rewire-ad-gc, rewire-ad-rodc, rewire-ad-dc-count), or \
            from a CLIXML export among the inputs, matched to VMs by IP address, then host name:

              Get-ADDomainController -Filter * | Export-Clixml dcs.xml
              rewire capture exports/ dcs.xml -o manifest.json
              rewire capture exports/ --domain-controller dc-01 -o manifest.json
            """
    )

    @Argument(help: "Files or folders of exported JSON or classic XML.")
    var inputs: [String] = []

    @Flag(help: "Read the estate live from Azure instead of files (needs --subscription).")
    var live = false

    @Option(help: "With --live: the subscription id to read.")
    var subscription: String?

    @Option(name: .customLong("resource-group"), help: "With --live: only this resource group.")
    var resourceGroup: String?

    @OptionGroup var azure: AzureEndpointOptions

    @Option(name: .shortAndLong, help: "Where to write the manifest (written atomically).")
    var output: String

    @Option(
        help: "Input format: auto (decide per file), arm, azcli or classic.",
        transform: { text in
            guard let format = InputFormat(rawValue: text.lowercased()) else {
                throw ValidationError("--format must be auto, arm, azcli or classic, not '\(text)'.")
            }
            return format
        })
    var format: InputFormat = .auto

    @Option(name: .customLong("vm"), help: "Capture only this VM and what it references (repeatable).")
    var vmNames: [String] = []

    @Option(
        name: .customLong("domain-controller"),
        help: "Record this VM as an Active Directory domain controller (repeatable; the name must be a captured VM).")
    var domainControllers: [String] = []

    func validate() throws {
        if live {
            guard subscription != nil else { throw ValidationError("--live needs --subscription.") }
            guard inputs.isEmpty else { throw ValidationError("Give either INPUT files or --live, not both.") }
        } else {
            guard !inputs.isEmpty else { throw ValidationError("Give at least one INPUT file or folder, or --live.") }
            guard subscription == nil, resourceGroup == nil else {
                throw ValidationError("--subscription and --resource-group go with --live.")
            }
        }
    }

    func run() async throws {
        Self.tuneMallocForOneLargeCapture()
        var capture = Capture(options: CaptureOptions(format: format, vmNames: vmNames, domainControllers: domainControllers))
        do {
            if live, let subscription {
                for document in try await LiveInventorySource.fetch(
                    subscription: subscription, resourceGroup: resourceGroup, vmNames: vmNames,
                    connection: try azure.connection())
                {
                    try capture.add(file: document.source, bytes: document.bytes)
                }
            } else {
                for input in inputs {
                    for file in try FileIO.inputFiles(input) { try capture.add(file: file, bytes: try FileIO.read(file)) }
                }
            }
        } catch let error as CaptureError {
            throw CommandFailure(.dataError, error.description)
        }
        let manifest: Manifest
        do {
            // `consume`: without it `capture` is copied into `finish`, which then copies every VM
            // it moves (the storage is shared with this copy).
            manifest = try (consume capture).finish()
        } catch {
            throw CommandFailure(.dataError, error.description)
        }
        try FileIO.writeCanonicalJSONAtomically(manifest, to: output)
        Summary.print(manifest, to: output)
        // Planning orders and groups every VM; skip it when there is no domain controller to print.
        guard manifest.virtualMachines.contains(where: { $0.domainController != nil }) else { return }
        for plan in DomainControllerPlan.plans(for: manifest) {
            let domain = plan.role.domain.map { " of \($0)" } ?? ""
            let count = plan.role.domainControllerCount.map { ", \($0) DC(s) in the domain" } ?? ", DC count unknown"
            print("domain controller \(plan.vm)\(domain)\(count): \(plan.path == .replica ? "restore like any VM" : "forest recovery")")
        }
    }

    /// A classic Get Deployment of thousands of VMs becomes millions of small libxml2 and Swift
    /// allocations, most freed together when the parse tree goes. `run` is on a Swift-concurrency
    /// thread, so glibc serves it from a secondary arena; with fastbins, freeing the tree parks
    /// every small block there and `malloc_consolidate` later walks them all again. The top pad
    /// makes the heap grow in large steps. On a 20 MB document, no fastbins took freeing the tree
    /// from ~72 ms to ~26 ms and the whole capture from 1.00 s to 0.94 s; the pad, to 0.91 s.
    /// Process-wide, which suits a one-shot command.
    private static func tuneMallocForOneLargeCapture() {
        #if canImport(Glibc)
            // <malloc.h> is not part of Swift's Glibc module, so mallopt is looked up at run
            // time; the parameter numbers are glibc's ABI (M_MXFAST 1, M_TOP_PAD -2).
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(nil, "mallopt") else { return }  // nil: RTLD_DEFAULT
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(1, 0)  // M_MXFAST: no fastbins
            _ = mallopt(-2, 64 * 1024 * 1024)  // M_TOP_PAD: 64 MiB
        #endif
    }
}

/// The few lines `capture` prints: what was captured, then the findings.
enum Summary {
    static func print(_ manifest: Manifest, to path: String) {
        var lines = [
            "captured \(manifest.virtualMachines.count) VM(s), \(manifest.networkInterfaces.count) NIC(s), "
                + "\(manifest.loadBalancers.count) load balancer(s), \(manifest.publicIPAddresses.count) public IP(s), "
                + "\(manifest.networkSecurityGroups.count) NSG(s), \(manifest.virtualNetworks.count) virtual network(s) -> \(path)"
        ]
        for finding in manifest.findings where finding.severity != .info {
            lines.append("\(finding.severity.rawValue): \(finding.code): \(finding.message)")
        }
        let infos = manifest.findings.filter { $0.severity == .info }.count
        if infos > 0 { lines.append("(\(infos) informational finding(s) in the manifest)") }
        Swift.print(lines.joined(separator: "\n"))
    }
}
