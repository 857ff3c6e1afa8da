public import RewireModel

/// Which recovery point `--recovery-point` asks for.
public enum RecoveryPointSelector: Sendable, Equatable, CustomStringConvertible {
    /// The newest one.
    case latest
    /// The one with this id.
    case id(String)
    /// The newest one taken at or before this time.
    case before(Timestamp)

    /// `latest`, an ISO-8601 time, or else a recovery point id.
    public init(_ text: String) {
        if text.lowercased() == "latest" {
            self = .latest
        } else if let time = Timestamp(iso8601: text) {
            self = .before(time)
        } else {
            self = .id(text)
        }
    }

    public var description: String {
        switch self {
        case .latest: "latest"
        case .id(let id): id
        case .before(let time): time.iso8601
        }
    }

    /// Picks from a VM's recovery points (any order). Ties in time go to the larger id, so the choice is stable.
    public func choose(from points: [RecoveryPointReference], vm: String) throws(RestoreError) -> RecoveryPointReference
    {
        var dated: [(RecoveryPointReference, Timestamp)] = []
        for point in points {
            guard let time = Timestamp(iso8601: point.time) else {
                throw RestoreError(
                    .badData, code: "recoveryPoint.time",
                    message:
                        "recovery point '\(point.id)' of VM '\(vm)' has the time '\(point.time)', expected ISO-8601 UTC"
                )
            }
            dated.append((point, time))
        }
        dated.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.id > $1.0.id }
        let chosen: RecoveryPointReference?
        switch self {
        case .latest: chosen = dated.first?.0
        case .id(let id): chosen = dated.first { $0.0.id == id }?.0
        case .before(let limit): chosen = dated.first { $0.1 <= limit }?.0
        }
        guard let chosen else {
            let known = dated.prefix(5).map { "\($0.0.id) (\($0.0.time))" }.joined(separator: ", ")
            let what: String
            switch self {
            case .latest: what = "no recovery point"
            case .id(let id): what = "no recovery point with id '\(id)'"
            case .before(let limit): what = "no recovery point taken at or before \(limit.iso8601)"
            }
            throw RestoreError(
                .badData, code: "recoveryPoint.notFound",
                message: "VM '\(vm)' has \(what)" + (known.isEmpty ? "" : "; newest: \(known)"))
        }
        return chosen
    }
}
