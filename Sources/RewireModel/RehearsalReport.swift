/// What `rewire rehearse` did (`rehearsal.json`, and `rehearsal.md` for people): what was checked,
/// restored and generated, how long each step took, and the rehearsal id that tags what the
/// scripts create. Times are ISO-8601 UTC strings from the CLI's clock.
@CanonicalJSONWritable
public struct RehearsalReport: Codable, Sendable, Equatable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// The rehearsal id: the value of the `rewire-rehearsal` tag on everything the scripts create.
    public var id: String
    public var suffix: String
    public var manifest: String
    public var manifestSHA256: String
    /// The vault folder or the Recovery Services vault id.
    public var vault: String
    public var recoveryPointSelector: String
    public var startedAt: String
    public var finishedAt: String
    public var steps: [RehearsalStep]
    /// What the check found: capture's findings and the preflight's, for the rehearsed VMs.
    public var checkFindings: [Finding]
    /// What differs in the rehearsal and what to watch for (hostname, DNS, AD collisions).
    public var rehearsalFindings: [Finding]
    /// The restore report's VMs (empty for a dry run).
    public var restored: [RestoredVirtualMachine]
    /// What a dry-run restore would do, per VM (`vm: action`).
    public var dryRunActions: [String]
    /// The scripts and runbook written, relative to the rehearsal's folder.
    public var generatedFiles: [String]
    /// What the scripts create (and `cleanup.ps1` removes), besides the restored disks.
    public var resources: [RehearsalResource]
    /// Blockers among the check's and the rehearsal's findings: the command exits 1 when there are any.
    public var blockers: Int

    public init(
        schemaVersion: Int = RehearsalReport.currentSchemaVersion, id: String, suffix: String, manifest: String,
        manifestSHA256: String, vault: String, recoveryPointSelector: String, startedAt: String, finishedAt: String,
        steps: [RehearsalStep], checkFindings: [Finding], rehearsalFindings: [Finding],
        restored: [RestoredVirtualMachine],
        dryRunActions: [String], generatedFiles: [String], resources: [RehearsalResource], blockers: Int
    ) {
        self.schemaVersion = schemaVersion
        self.id = id
        self.suffix = suffix
        self.manifest = manifest
        self.manifestSHA256 = manifestSHA256
        self.vault = vault
        self.recoveryPointSelector = recoveryPointSelector
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.steps = steps
        self.checkFindings = checkFindings
        self.rehearsalFindings = rehearsalFindings
        self.restored = restored
        self.dryRunActions = dryRunActions
        self.generatedFiles = generatedFiles
        self.resources = resources
        self.blockers = blockers
    }
}

/// One step of a rehearsal and how long it took.
@CanonicalJSONWritable
public struct RehearsalStep: Codable, Sendable, Equatable {
    @CanonicalJSONWritable
    public enum Name: String, Codable, Sendable, CaseIterable {
        case check
        case restore
        case scripts
    }

    @CanonicalJSONWritable
    public enum Status: String, Codable, Sendable {
        case done
        /// Ran as a dry run (an Azure vault without `--execute-azure`): nothing was restored.
        case dryRun
        case failed
    }

    public var name: Name
    public var status: Status
    /// Wall-clock milliseconds.
    public var durationMilliseconds: Int
    /// One line: what the step found or did.
    public var summary: String

    public init(name: Name, status: Status, durationMilliseconds: Int, summary: String) {
        self.name = name
        self.status = status
        self.durationMilliseconds = durationMilliseconds
        self.summary = summary
    }
}
