/// What `rewire prepare` was asked for: how the vaults are named, their storage redundancy, the
/// policy, an optional proxy. Validated before anything is planned or written.
public struct PrepareOptions: Sendable {
    /// How each region's Recovery Services vault is named.
    public enum VaultNaming: Sendable, Equatable {
        /// The vault that already protects the region's VMs, else `rsv-<region>`.
        case automatic
        /// One name; valid only when the VMs are in one region.
        case name(String)
        /// `<prefix><region>` for every region.
        case prefix(String)
    }

    public var vaultNaming: VaultNaming
    public var redundancy: BackupStorageRedundancy
    /// A backup policy that exists in every vault; nil: the vault's `DefaultPolicy`.
    public var policyName: String?
    public var proxy: ProxyAddress?
    /// The resource group of new vaults; nil: the group of the region's first VM (or of the vault
    /// that already protects the region's VMs).
    public var resourceGroup: String?
    /// The command that regenerates the files, written into every header.
    public var regenerateCommand: String
    public var templatesDirectory: String?

    public init(
        vaultNaming: VaultNaming = .automatic, redundancy: BackupStorageRedundancy = .geoRedundant,
        policyName: String? = nil,
        proxy: ProxyAddress? = nil, resourceGroup: String? = nil, regenerateCommand: String,
        templatesDirectory: String? = nil
    ) {
        self.vaultNaming = vaultNaming
        self.redundancy = redundancy
        self.policyName = policyName
        self.proxy = proxy
        self.resourceGroup = resourceGroup
        self.regenerateCommand = regenerateCommand
        self.templatesDirectory = templatesDirectory
    }

    /// The prefix of automatic vault names: `rsv-westeurope`.
    public static let defaultVaultPrefix = "rsv-"
    /// The policy every new Recovery Services vault has.
    public static let defaultPolicyName = "DefaultPolicy"
}

/// `Set-AzRecoveryServicesBackupProperty -BackupStorageRedundancy`: chosen before the first item
/// is protected, because Azure refuses to change it afterwards.
public enum BackupStorageRedundancy: String, Sendable, CaseIterable {
    case geoRedundant = "GeoRedundant"
    case locallyRedundant = "LocallyRedundant"
}

/// An HTTP proxy, `HOST:PORT`. The host is a DNS name or an IPv4 address, so it is safe inside the
/// shell and PowerShell scripts that run in the guests.
public struct ProxyAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    /// Parses `HOST:PORT`; throws a one-line usage error saying what was expected.
    public init(parsing text: String) throws(PrepareError) {
        if text.contains("://") {
            throw PrepareError(.usage, "--proxy '\(text)': expected HOST:PORT without a scheme, e.g. 10.0.0.4:3128")
        }
        guard let colon = text.lastIndex(of: ":") else {
            throw PrepareError(.usage, "--proxy '\(text)': expected HOST:PORT, e.g. 10.0.0.4:3128")
        }
        let host = String(text[..<colon])
        let portText = String(text[text.index(after: colon)...])
        guard let port = Int(portText), (1...65535).contains(port), portText.allSatisfy(\.isASCII) else {
            throw PrepareError(.usage, "--proxy '\(text)': the port '\(portText)' is not a number from 1 to 65535")
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let validLabels = labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        guard !host.isEmpty, host.count <= 253, validLabels else {
            throw PrepareError(
                .usage,
                "--proxy '\(text)': the host '\(host)' is not a DNS name or an IPv4 address (letters, digits, hyphens and dots)"
            )
        }
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

/// A problem with the options or the manifest that stops `rewire prepare` before it writes.
public struct PrepareError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// A bad option value (exit 2).
        case usage
        /// The manifest cannot be prepared as it is (exit 65).
        case data
        /// A template could not be loaded or rendered (exit 70, or 65 for a --templates override).
        case template
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
