import Crypto
public import RewireModel

/// One generated file: its name inside OUTDIR and its bytes.
public struct GeneratedFile: Sendable, Equatable {
    public var name: String
    public var contents: String

    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }
}

public struct ScriptOptions: Sendable {
    /// The command that regenerates these files, written into every header.
    public var regenerateCommand: String
    /// A folder of templates that replace the built-in ones of the same name.
    public var templatesDirectory: String?
    /// Write the scripts as Azure Automation runbooks (`rewire script --automation`).
    public var automation: Bool

    public init(regenerateCommand: String, templatesDirectory: String? = nil, automation: Bool = false) {
        self.regenerateCommand = regenerateCommand
        self.templatesDirectory = templatesDirectory
        self.automation = automation
    }
}

/// Manifest in, scripts out: `<vm>.ps1` per VM, `restore-all.ps1` and `RUNBOOK.md`. Same manifest,
/// same bytes.
public struct ScriptGenerator: Sendable {
    let renderer: ScriptRenderer
    let options: ScriptOptions

    public init(options: ScriptOptions) throws(ScriptGenError) {
        self.options = options
        renderer = try ScriptRenderer(overrideDirectory: options.templatesDirectory)
    }

    /// With `restored`, scripts rebuild the VMs of that report from the disks it lists (no vault
    /// steps); every VM of the report must be done and in the manifest.
    public func generate(_ manifest: Manifest, restored: RestoreReport? = nil) throws(ScriptGenError) -> [GeneratedFile] {
        let header = try Self.header(manifest, options: options)
        let lookup = ManifestIndex(manifest)
        let notes = Self.notesByVM(manifest)
        var planner = AzScriptPlanner(manifest: manifest, header: header, lookup: lookup, notes: notes)
        // With a restore report, only its VMs come back: DCs outside it are the ones still up.
        planner.domainControllerContext.restoring = restored.map { Set($0.virtualMachines.map(\.name)) }
        let classicPlanner = ClassicScriptPlanner(manifest: manifest, header: header, findingNotes: notes)
        let restoredByName = Dictionary(
            (restored?.virtualMachines ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var order = Self.restoreOrder(manifest)
        if let restored {
            order = try Self.restoredVMs(order, restored)
        }
        let names = Self.scriptFileNames(order, runbookNames: options.automation)
        var files: [GeneratedFile] = []
        if options.automation, let classic = order.first(where: { $0.classic != nil }) {
            throw ScriptGenError(
                "VM '\(classic.name)' is a classic VM: the classic Azure module cannot sign in with a managed identity, so it cannot run as an Azure Automation runbook")
        }
        for (vm, file) in zip(order, names) {
            // The flavor follows the VM: Service Management VMs get the classic Azure module.
            let contents =
                vm.classic != nil
                ? try classicScript(for: vm, planner: classicPlanner)
                : try renderer.render(planner.plan(vm, restored: restoredByName[vm.name]), template: "az-vm-restore.ps1")
            files.append(GeneratedFile(name: file, contents: contents))
        }
        let all = RestoreAllScript(
            header: header, restored: restored != nil,
            steps: zip(order, names).enumerated().map { index, pair in
                RestoreAllStep(
                    vmName: pair.0.name, vmNameCommentCode: .comment(pair.0.name), scriptFile: pair.1,
                    runbookCallCode: options.automation ? .runbookCall(pair.1) : .comment(pair.1),
                    indexCode: .int(index + 1), countCode: .int(order.count))
            })
        files.append(GeneratedFile(name: "restore-all.ps1", contents: try renderer.render(all, template: "restore-all.ps1")))
        if options.automation {
            let runbooks = (names + ["restore-all.ps1"]).map { PublishedRunbook(name: String($0.dropLast(4)), file: $0) }
            let publish = PublishRunbooksScript(header: header, runbooks: runbooks)
            files.append(
                GeneratedFile(name: "publish-runbooks.ps1", contents: try renderer.render(publish, template: "publish-runbooks.ps1")))
        }
        var runbookPlanner = RunbookPlanner(manifest: manifest, header: header, lookup: lookup)
        runbookPlanner.domainControllerContext = planner.domainControllerContext
        let runbook = runbookPlanner.plan(order: order, files: names)
        files.append(GeneratedFile(name: "RUNBOOK.md", contents: try renderer.render(runbook, template: "RUNBOOK.md")))
        return files
    }

    /// The header every generated file starts with: schema version, manifest digest (of its
    /// canonical bytes), the command that regenerates it.
    static func header(_ manifest: Manifest, options: ScriptOptions) throws(ScriptGenError) -> ScriptHeader {
        let canonical: [UInt8]
        do {
            canonical = try CanonicalJSON.encode(manifest)
        } catch {
            throw ScriptGenError("cannot encode the manifest: \(error)")
        }
        let hex = Array("0123456789abcdef")
        let digest = String(SHA256.hash(data: canonical).flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 0x0F)]] })
        return ScriptHeader(
            schemaVersionCode: .int(manifest.schemaVersion), manifestDigestCode: .comment(digest),
            regenerateCommandCode: .comment(options.regenerateCommand),
            regenerateCommandMarkdown: Markdown.codeSpan(options.regenerateCommand), automation: options.automation,
            progressCmdletCode: .progressCmdlet(automation: options.automation))
    }

    /// Capture's warnings and blockers per VM, as the comment lines each VM script starts with.
    static func notesByVM(_ manifest: Manifest) -> [String: [CommentLine]] {
        var notes: [String: [CommentLine]] = [:]
        for finding in manifest.findings where finding.severity != .info {
            guard let vm = finding.vm else { continue }
            notes[vm, default: []].append(
                CommentLine(textCode: .comment("\(finding.severity.rawValue): \(finding.code): \(finding.message)")))
        }
        return notes
    }

    /// The manifest's VMs that the report restored, refusing a report that does not fit.
    static func restoredVMs(_ order: [VirtualMachine], _ report: RestoreReport) throws(ScriptGenError) -> [VirtualMachine] {
        for entry in report.virtualMachines {
            guard order.contains(where: { $0.name == entry.name }) else {
                throw ScriptGenError("the restore report has VM '\(entry.name)', which the manifest does not: was it made from another manifest?")
            }
            guard entry.status == .done else {
                throw ScriptGenError(
                    "VM '\(entry.name)' is \(entry.status.rawValue) in the restore report\(entry.error.map { " (\($0))" } ?? ""); run rewire restore again until it is done")
            }
            if order.first(where: { $0.name == entry.name })?.classic != nil {
                throw ScriptGenError("VM '\(entry.name)' is a classic VM: rebuilding it from a restore report is not supported yet; use the self-contained script")
            }
        }
        return order.filter { vm in report.virtualMachines.contains { $0.name == vm.name } }
    }

    /// VMs in restore order: domain controllers first (PDC emulators first), then the others by name.
    static func restoreOrder(_ manifest: Manifest) -> [VirtualMachine] {
        DomainControllerPlan.restoreOrder(manifest.virtualMachines)
    }

    /// `<vm-name>.ps1`, made safe as a file name; VMs whose names collide (same name in two
    /// resource groups, or after making it safe) get `-2`, `-3`, ... With `runbookNames`, also a
    /// valid Azure Automation runbook name (ASCII letters, digits, `-`, `_`; a letter first; at
    /// most 63 characters), because Automation names a runbook after its file.
    static func scriptFileNames(_ vms: [VirtualMachine], runbookNames: Bool = false) -> [String] {
        var used = Set<String>(["restore-all", "runbook", "publish-runbooks"])
        return vms.map { vm in
            var base: String
            if runbookNames {
                base = String(vm.name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" })
                if !(base.first.map { $0.isASCII && $0.isLetter } ?? false) { base = "vm-" + base }
                base = String(base.prefix(56))
            } else {
                base = String(vm.name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
                if base.isEmpty || base.hasPrefix(".") { base = "vm" + base }
            }
            var candidate = base
            var counter = 2
            while used.contains(candidate.lowercased()) {
                candidate = "\(base)-\(counter)"
                counter += 1
            }
            used.insert(candidate.lowercased())
            return candidate + ".ps1"
        }
    }
}
