import Foundation
import Restore
import RewireModel
import Testing

@Suite struct JournalResumeTests {
    @Test func aRunThatDiesBetweenDisksResumesWithoutCopyingVerifiedDisksAgain() async throws {
        try await withTemporaryDirectory { root in
            let vms = [Sample.vm("web01", dataDisks: 3)]
            let vault = try Sample.vault(in: root, vms: vms)
            let journal = root + "/restored.json.journal"

            // Run 1: the copier dies on its third copy (disks are copied in parallel, so which disks finished varies).
            let crashing = CountingCopier(failAt: 3)
            let first = Sample.engine(
                LocalVaultBackend(
                    vault: vault, targetFolder: root + "/target", copier: crashing, configParser: Sample.parser),
                journal: journal)
            let outcome1 = try await first.run(
                try await first.select(vms, selector: .latest, selectorText: "latest"), selectorText: "latest",
                manifestSHA256: nil)
            #expect(outcome1.failures["web01"]?.code == "test.crash")
            #expect(outcome1.report.virtualMachines.first?.status == .failed)
            let verifiedAfterCrash = outcome1.report.virtualMachines.first?.disks.filter(\.verified).count ?? 0
            #expect(verifiedAfterCrash == crashing.count)
            #expect(verifiedAfterCrash < 4)

            // The journal on disk says the same (it was written before the run returned).
            let stored = try JSONDecoder().decode(
                RestoreJournal.self, from: Data(contentsOf: URL(fileURLWithPath: journal)))
            #expect(stored.entries.count == 1)
            #expect(stored.entries[0].phase == .failed)
            #expect(stored.entries[0].disks.filter(\.verified).count == verifiedAfterCrash)

            // Run 2: only the missing disks are copied, and the VM is done.
            let counting = CountingCopier()
            let second = Sample.engine(
                LocalVaultBackend(
                    vault: vault, targetFolder: root + "/target", copier: counting, configParser: Sample.parser),
                journal: journal)
            let outcome2 = try await second.run(
                try await second.select(vms, selector: .latest, selectorText: "latest"), selectorText: "latest",
                manifestSHA256: nil)
            #expect(outcome2.failures.isEmpty)
            #expect(counting.count == 4 - verifiedAfterCrash)
            #expect(outcome2.report.isComplete)
            #expect(outcome2.report.virtualMachines.first?.disks.count == 4)

            // Run 3: nothing to do, nothing copied, still done; one journal entry for the VM and recovery point.
            let idle = CountingCopier()
            let third = Sample.engine(
                LocalVaultBackend(
                    vault: vault, targetFolder: root + "/target", copier: idle, configParser: Sample.parser),
                journal: journal)
            let outcome3 = try await third.run(
                try await third.select(vms, selector: .latest, selectorText: "latest"), selectorText: "latest",
                manifestSHA256: nil)
            #expect(idle.count == 0)
            #expect(outcome3.report.isComplete)
            let final = try JSONDecoder().decode(
                RestoreJournal.self, from: Data(contentsOf: URL(fileURLWithPath: journal)))
            #expect(final.entries.count == 1)
            #expect(final.entries[0].attempts == 3)
        }
    }

    @Test func aDeletedRestoredDiskIsCopiedAgainAndTheVMIsNotDoneUntilThen() async throws {
        try await withTemporaryDirectory { root in
            let vms = [Sample.vm("web01", dataDisks: 1)]
            let vault = try Sample.vault(in: root, vms: vms)
            let journal = root + "/journal"
            let engine = Sample.engine(
                LocalVaultBackend(vault: vault, targetFolder: root + "/target", configParser: Sample.parser),
                journal: journal)
            _ = try await engine.run(
                try await engine.select(vms, selector: .latest, selectorText: "latest"), selectorText: "latest",
                manifestSHA256: nil)
            try FileManager.default.removeItem(atPath: root + "/target/web01/rp1/web01-data0.vhd")

            let counting = CountingCopier()
            let again = Sample.engine(
                LocalVaultBackend(
                    vault: vault, targetFolder: root + "/target", copier: counting, configParser: Sample.parser),
                journal: journal)
            let outcome = try await again.run(
                try await again.select(vms, selector: .latest, selectorText: "latest"), selectorText: "latest",
                manifestSHA256: nil)
            #expect(counting.copied == [root + "/target/web01/rp1/web01-data0.vhd"])
            #expect(outcome.report.isComplete)
        }
    }

    @Test func aReRunWithLatestKeepsTheRecoveryPointTheFirstRunChose() async throws {
        try await withTemporaryDirectory { root in
            let vms = [Sample.vm("web01", dataDisks: 0)]
            let vault = try Sample.vault(in: root, vms: vms, points: [("rp1", "2025-11-19T02:00:00Z")])
            let journal = root + "/journal"
            let first = Sample.engine(
                LocalVaultBackend(
                    vault: vault, targetFolder: root + "/target", copier: CountingCopier(failAt: 1),
                    configParser: Sample.parser),
                journal: journal)
            _ = try await first.run(
                try await first.select(vms, selector: .latest, selectorText: "latest"), selectorText: "latest",
                manifestSHA256: nil)
            // A newer point appears before the re-run: the interrupted restore of rp1 is finished, not abandoned.
            let image = root + "/new.vhd"
            try SparseVHD.create(at: image, virtualSize: 4 << 20, label: "new", time: Sample.time)
            try LocalVaultWriter(vault: vault).addRecoveryPoint(
                vm: vms[0], id: "rp2", time: Timestamp(iso8601: "2025-11-20T02:00:00Z")!,
                diskImages: ["web01-os": image])
            let second = Sample.engine(
                LocalVaultBackend(vault: vault, targetFolder: root + "/target", configParser: Sample.parser),
                journal: journal)
            let selections = try await second.select(vms, selector: .latest, selectorText: "latest")
            #expect(selections.map(\.recoveryPoint.id) == ["rp1"])
            #expect(selections.map(\.fromJournal) == [true])
        }
    }

    @Test func theTriggerIntentIsDurableBeforeTheCallAndTheBudgetIsEnforced() async throws {
        try await withTemporaryDirectory { root in
            let path = root + "/journal"
            let backend = RestoreBackend(
                kind: .azureRecoveryServices,
                location: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v")
            let store = try RestoreJournalStore(path: path, backend: backend)
            let vm = Sample.vm("web01")
            try await store.update { journal in
                journal.entries.append(
                    RestoreJournalEntry(
                        vmName: "web01", vmId: vm.id, selector: "latest",
                        recoveryPoint: RecoveryPointReference(id: "1", time: "2025-11-20T02:00:00Z"),
                        target: RestoreTarget(
                            kind: .resourceGroup, location: "/subscriptions/s/resourceGroups/rg-restore"),
                        startedAt: nil))
            }
            let clock = TickClock()
            let handle = RestoreJournalHandle(
                store: store, vmName: "web01", recoveryPointId: "1", clock: { clock.next() })
            for _ in 0..<10 { try await handle.recordTriggerIntent() }

            // What a process started after a crash reads back.
            let reopened = try RestoreJournalStore(path: path, backend: backend)
            let entry = try #require(await reopened.entry(vm: "web01", recoveryPoint: "1"))
            #expect(entry.phase == .triggerRequested)
            #expect(entry.backendState["triggerRequestedAt"] != nil)
            #expect(await reopened.journal.triggers.count == 10)

            await #expect {
                try await handle.recordTriggerIntent()
            } throws: { ($0 as? RestoreError)?.code == "restore.triggerLimit" }
            #expect(await store.journal.triggers.count == 10)
        }
    }

    @Test func aJournalOfAnotherBackendIsRefused() async throws {
        try await withTemporaryDirectory { root in
            let path = root + "/journal"
            let store = try RestoreJournalStore(path: path, backend: RestoreBackend(kind: .localVault, location: "/a"))
            try await store.update { _ in }
            #expect {
                try RestoreJournalStore(path: path, backend: RestoreBackend(kind: .localVault, location: "/b"))
            } throws: { ($0 as? RestoreError)?.code == "journal.otherBackend" }
        }
    }
}
