public import RewireModel

/// Reads classic Service Management XML (Get Deployment, Get Cloud Service Properties with
/// `embed-detail`, Get Role / the restore config blob, List/Get Reserved IPs, Get Network
/// Configuration, List Virtual Network Sites) into a `ClassicDocument`. Pure: bytes in, values out.
/// Join the documents of one run with `ClassicEstate`.
public enum ClassicCapture {
    /// The largest document accepted; a Get Deployment of 5,000 VMs is about a quarter of it.
    public static let maximumDocumentSize = XMLDocument.defaultMaximumSize

    /// Parses one document. Throws `CaptureError` (`.syntax` for XML that is not well-formed,
    /// unsafe or too large; `.unrecognized` for a root or namespace rewire does not read;
    /// `.shape` for a VM without the elements a rebuild cannot do without).
    public static func document(
        from bytes: [UInt8], file: String, maximumSize: Int = maximumDocumentSize
    ) throws(CaptureError) -> ClassicDocument {
        let arena: XMLArena
        do {
            arena = try XMLArena.parse(bytes, maximumSize: maximumSize)
        } catch {
            throw CaptureError(
                .syntax,
                SourceLocation(
                    file: file, line: error.line > 0 ? error.line : nil, column: error.column > 0 ? error.column : nil),
                error.message)
        }
        return try document(root: arena.root, isBlob: arena.wasUTF16 || arena.hadNULPadding, file: file)
    }

    /// Reads an already parsed document.
    public static func document(from xml: XMLDocument, file: String) throws(CaptureError) -> ClassicDocument {
        try document(root: xml.root, isBlob: xml.wasUTF16 || xml.hadNULPadding, file: file)
    }

    /// `isBlob`: the bytes were UTF-16 or NUL-padded, as a restore config blob is.
    static func document<Node: XMLElementReading>(root: Node, isBlob blob: Bool, file: String) throws(CaptureError)
        -> ClassicDocument
    {
        guard let kind = RootKind(localName: root.localName) else {
            throw CaptureError(
                .unrecognized, SourceLocation(file: file, line: root.line),
                "expected a classic Service Management document (root \(RootKind.allNames)), found <\(root.localName)>"
                    + (root.localName == "PersistentVM"
                        ? " (an Export-AzureVM file, which rewire does not read; capture Get Deployment instead)" : ""))
        }
        guard root.namespace == kind.namespace else {
            let found = root.namespace.map { "'\($0)'" } ?? "no namespace"
            let hint =
                root.namespace?.hasPrefix("https://") == true
                ? " (an https:// URI is a rendering artifact of the online docs, not what the service sends)" : ""
            throw CaptureError(
                .unrecognized, SourceLocation(file: file, line: root.line),
                "expected <\(root.localName)> in namespace '\(kind.namespace)', found \(found)\(hint)")
        }
        var reader = ClassicReader<Node>(file: file)
        var document = ClassicDocument(file: file, kind: .getDeployment)
        switch kind {
        case .deployment:
            document.kind = .getDeployment
            document.virtualMachines = try reader.deployment(
                root, source: .getDeployment, cloudService: nil, location: nil, affinityGroup: nil)
        case .hostedService:
            document.kind = .getCloudServiceProperties
            document.virtualMachines = try reader.hostedService(root)
        case .role:
            document.kind = blob ? .restoreConfigBlob : .getRole
            if let vm = try reader.role(
                root, source: blob ? .restoreConfigBlob : .getRole, deployment: nil, cloudService: nil, instance: nil)
            {
                document.virtualMachines = [vm]
            }
        case .reservedIPs:
            document.kind = .reservedIPs
            document.reservedIPs = reader.reservedIPs(root.children("ReservedIP"))
        case .reservedIP:
            document.kind = .reservedIPs
            document.reservedIPs = reader.reservedIPs([root])
        case .networkConfiguration:
            document.kind = .networkConfiguration
            document.virtualNetworkSites = reader.networkConfiguration(root)
        case .virtualNetworkSites:
            document.kind = .virtualNetworkSites
            document.virtualNetworkSites = reader.virtualNetworkSiteList(root)
        }
        document.findings = reader.findings
        return document
    }

    /// What the restore stage needs from a classic restore config blob (`ConfigBlob.Content.classic`):
    /// the role's size, OS and the restored VHDs, LUN 0 where the blob omits `<Lun>`.
    public static func restoredVMConfig(fromXML text: String, file: String) throws(CaptureError) -> RestoredVMConfig {
        let document = try document(from: Array(text.utf8), file: file)
        guard document.kind == .getRole || document.kind == .restoreConfigBlob,
            let vm = document.virtualMachines.first?.value
        else {
            throw CaptureError(
                .unrecognized, SourceLocation(file: file, line: 1),
                "expected a classic config blob with the root <PersistentVMRole>")
        }
        func disk(_ disk: ClassicDisk) -> RestoredVMConfigDisk {
            RestoredVMConfigDisk(
                name: disk.diskName, lun: disk.lun, vhdUri: disk.mediaLink, sizeGB: disk.sizeGB,
                caching: disk.hostCaching)
        }
        return RestoredVMConfig(
            format: .classicXML, vmSize: vm.roleSize, osType: vm.osDisk.os?.rawValue, osDisk: disk(vm.osDisk),
            dataDisks: vm.dataDisks.map(disk))
    }

    /// The roots rewire reads, and the namespace each must be in.
    enum RootKind: CaseIterable {
        case deployment, hostedService, role, reservedIPs, reservedIP, networkConfiguration, virtualNetworkSites

        init?(localName: String) {
            guard let kind = Self.allCases.first(where: { $0.localName == localName }) else { return nil }
            self = kind
        }

        var localName: String {
            switch self {
            case .deployment: "Deployment"
            case .hostedService: "HostedService"
            case .role: "PersistentVMRole"
            case .reservedIPs: "ReservedIPs"
            case .reservedIP: "ReservedIP"
            case .networkConfiguration: "NetworkConfiguration"
            case .virtualNetworkSites: "VirtualNetworkSites"
            }
        }

        var namespace: String {
            self == .networkConfiguration ? XMLNamespace.networkConfiguration : XMLNamespace.windowsAzure
        }

        static var allNames: String { allCases.map { "<\($0.localName)>" }.joined(separator: ", ") }
    }
}

/// One classic document read into values, not yet joined with the other documents of the run.
public struct ClassicDocument: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case getDeployment, getCloudServiceProperties, getRole, restoreConfigBlob, reservedIPs, networkConfiguration,
            virtualNetworkSites
    }

    public var file: String
    public var kind: Kind
    public var virtualMachines: [ClassicEntry<ClassicVMSettings>]
    public var reservedIPs: [ClassicEntry<ClassicReservedIP>]
    public var virtualNetworkSites: [ClassicEntry<ClassicVirtualNetworkSite>]
    /// Problems with single values (an unknown enum, a non-number), each with its XML line.
    public var findings: [Finding]

    public init(
        file: String, kind: Kind, virtualMachines: [ClassicEntry<ClassicVMSettings>] = [],
        reservedIPs: [ClassicEntry<ClassicReservedIP>] = [],
        virtualNetworkSites: [ClassicEntry<ClassicVirtualNetworkSite>] = [], findings: [Finding] = []
    ) {
        self.file = file
        self.kind = kind
        self.virtualMachines = virtualMachines
        self.reservedIPs = reservedIPs
        self.virtualNetworkSites = virtualNetworkSites
        self.findings = findings
    }
}

/// A value with the place in the input it was read from.
public struct ClassicEntry<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, _ location: SourceLocation) {
        self.value = value
        self.location = location
    }
}
