import Foundation
import Restore
import RewireModel
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2025-11-20T02:01:14Z", "2025-11-20T02:01:14Z"),
        ("2025-11-20T03:01:14+01:00", "2025-11-20T02:01:14Z"),
        ("2025-11-19T21:01:14.250-0500", "2025-11-20T02:01:14.250Z"),
        ("2025-11-20 02:01:14z", "2025-11-20T02:01:14Z"),
        ("2024-02-29", "2024-02-29T00:00:00Z"),
        ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
    ])
    func parsesISO8601AndPrintsUTC(input: String, expected: String) {
        #expect(Timestamp(iso8601: input)?.iso8601 == expected)
    }

    @Test(arguments: [
        "2025-11-20T02:01:14", "2025-02-29", "2025-13-01", "20251120", "latest", "2025-11-20T25:00:00Z", "",
    ])
    func refusesTimesWithoutZoneOrOutOfRange(input: String) {
        #expect(Timestamp(iso8601: input) == nil)
    }

    @Test func epochArithmeticMatchesKnownValue() {
        #expect(Timestamp(iso8601: "2000-01-01T00:00:00Z")?.millisecondsSinceEpoch == 946_684_800_000)
    }
}

@Suite struct RecoveryPointSelectionTests {
    let points = [
        RecoveryPointReference(id: "100", time: "2025-11-18T02:00:00Z"),
        RecoveryPointReference(id: "300", time: "2025-11-20T02:00:00Z"),
        RecoveryPointReference(id: "200", time: "2025-11-19T02:00:00Z"),
    ]

    @Test func selectorTextIsLatestATimeOrAnId() {
        #expect(RecoveryPointSelector("latest") == .latest)
        #expect(RecoveryPointSelector("LATEST") == .latest)
        #expect(RecoveryPointSelector("2025-11-19T12:00:00Z") == .before(Timestamp(iso8601: "2025-11-19T12:00:00Z")!))
        #expect(RecoveryPointSelector("58658092164440") == .id("58658092164440"))
    }

    @Test func latestIsTheNewestWhateverTheOrder() throws {
        #expect(try RecoveryPointSelector.latest.choose(from: points, vm: "web01").id == "300")
    }

    @Test func anIdPicksThatPoint() throws {
        #expect(try RecoveryPointSelector.id("100").choose(from: points, vm: "web01").id == "100")
    }

    @Test func aTimePicksTheNewestAtOrBeforeIt() throws {
        #expect(try RecoveryPointSelector("2025-11-19T12:00:00Z").choose(from: points, vm: "web01").id == "200")
        #expect(try RecoveryPointSelector("2025-11-19T02:00:00Z").choose(from: points, vm: "web01").id == "200")
    }

    @Test func noMatchIsBadDataNamingTheVM() {
        #expect {
            try RecoveryPointSelector("2025-11-01T00:00:00Z").choose(from: points, vm: "web01")
        } throws: { error in
            let restore = error as? RestoreError
            return restore?.code == "recoveryPoint.notFound" && restore?.kind == .badData
                && restore?.message.contains("web01") == true
        }
        #expect(throws: RestoreError.self) { try RecoveryPointSelector.id("999").choose(from: points, vm: "web01") }
        #expect(throws: RestoreError.self) { try RecoveryPointSelector.latest.choose(from: [], vm: "web01") }
    }
}

@Suite struct TriggerBudgetTests {
    let vmId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web01"

    func triggers(_ times: [String]) -> [RestoreTriggerRecord] {
        times.map { RestoreTriggerRecord(vmId: vmId, recoveryPointId: "1", time: $0) }
    }

    @Test func refusesTheEleventhTriggerWithin24Hours() {
        let now = Timestamp(iso8601: "2025-11-20T12:00:00Z")!
        let ten = triggers((0..<10).map { "2025-11-20T0\($0):00:00Z" })
        #expect {
            try TriggerBudget().check(vmId: vmId, vmName: "web01", at: now, triggers: ten)
        } throws: { ($0 as? RestoreError)?.code == "restore.triggerLimit" }
    }

    @Test func triggersOlderThanTheWindowOrOfOtherVMsDoNotCount() throws {
        let now = Timestamp(iso8601: "2025-11-21T12:00:00Z")!
        var list = triggers((0..<9).map { "2025-11-21T0\($0):00:00Z" })
        list.append(RestoreTriggerRecord(vmId: vmId, recoveryPointId: "1", time: "2025-11-20T11:59:59Z"))
        list.append(
            RestoreTriggerRecord(
                vmId: vmId.replacingOccurrences(of: "web01", with: "web02"), recoveryPointId: "1",
                time: "2025-11-21T10:00:00Z"))
        try TriggerBudget().check(vmId: vmId.uppercased(), vmName: "web01", at: now, triggers: list)
    }
}
