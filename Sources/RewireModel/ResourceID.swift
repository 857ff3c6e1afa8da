/// An ARM resource id taken apart. ARM compares ids case-insensitively, and so does rewire:
/// always compare through `ResourceID.key(_:)`, never with `==` on the raw strings.
///
/// `/subscriptions/{s}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}[/{childType}/{childName}]...`
public struct ResourceID: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The id as written in the input.
    public let raw: String
    public let subscriptionId: String?
    public let resourceGroup: String?
    /// `Microsoft.Network`.
    public let providerNamespace: String?
    /// Type and name pairs after the namespace: `[("loadBalancers", "lb"), ("backendAddressPools", "pool")]`.
    public let segments: [(type: String, name: String)]

    /// Parses an id; nil when it does not have the `/subscriptions/.../providers/...` shape.
    public init?(_ raw: String) {
        let parts = raw.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 2, parts[0].lowercased() == "subscriptions" else { return nil }
        var subscription: String? = parts[1]
        var group: String?
        var index = 2
        if index + 1 < parts.count, parts[index].lowercased() == "resourcegroups" {
            group = parts[index + 1]
            index += 2
        }
        var namespace: String?
        var pairs: [(type: String, name: String)] = []
        if index < parts.count {
            guard parts[index].lowercased() == "providers", index + 1 < parts.count else { return nil }
            namespace = parts[index + 1]
            index += 2
            var rest = Array(parts[index...])
            guard rest.count % 2 == 0, !rest.isEmpty else { return nil }
            while !rest.isEmpty {
                pairs.append((rest[0], rest[1]))
                rest.removeFirst(2)
            }
        }
        if subscription?.isEmpty == true { subscription = nil }
        self.raw = raw
        self.subscriptionId = subscription
        self.resourceGroup = group
        self.providerNamespace = namespace
        self.segments = pairs
    }

    /// The resource's own name (the last segment's name).
    public var name: String? { segments.last?.name }

    /// `Microsoft.Network/loadBalancers/backendAddressPools`, as ARM writes a resource's type.
    public var fullType: String? {
        guard let providerNamespace, !segments.isEmpty else { return nil }
        return ([providerNamespace] + segments.map(\.type)).joined(separator: "/")
    }

    /// The id of the top-level resource that holds this child (`.../loadBalancers/lb` for a pool).
    public var parent: ResourceID? {
        guard segments.count > 1, let subscriptionId, let providerNamespace else { return nil }
        var text = "/subscriptions/\(subscriptionId)"
        if let resourceGroup { text += "/resourceGroups/\(resourceGroup)" }
        text += "/providers/\(providerNamespace)"
        for pair in segments.dropLast() { text += "/\(pair.type)/\(pair.name)" }
        return ResourceID(text)
    }

    /// The case-insensitive comparison key of an id; trailing slashes ignored.
    public static func key(_ id: String) -> String {
        var text = id.lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    public var description: String { raw }

    public static func == (lhs: ResourceID, rhs: ResourceID) -> Bool {
        key(lhs.raw) == key(rhs.raw)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ResourceID.key(raw))
    }
}
