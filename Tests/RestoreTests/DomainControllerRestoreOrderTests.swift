import Foundation
import Restore
import RewireModel
import Testing

/// `rewire restore` starts domain controllers first: selection order is restore order.
@Suite struct DomainControllerRestoreOrderTests {
    @Test func selectionsPutDomainControllersFirstAndStartThemFirst() async throws {
        try await withTemporaryDirectory { root in
            var dc = Sample.vm("zz-dc", dataDisks: 0)
            dc.domainController = DomainControllerRole(
                domain: "corp.contoso.com", fsmoRoles: ["PDCEmulator"], source: .tag)
            let vms = [Sample.vm("app01", dataDisks: 0), Sample.vm("web01", dataDisks: 0), dc]
            let vault = try Sample.vault(in: root, vms: vms)
            let backend = LocalVaultBackend(vault: vault, targetFolder: root + "/target", configParser: Sample.parser)
            let engine = Sample.engine(backend, journal: root + "/restored.json.journal")
            let selections = try await engine.select(vms, selector: .latest, selectorText: "latest")
            #expect(selections.map(\.vm.name) == ["zz-dc", "app01", "web01"])
            let plans = try await engine.plan(selections)
            #expect(plans.map(\.vm) == ["zz-dc", "app01", "web01"])
            // The report stays ordered by name.
            let outcome = try await engine.run(selections, selectorText: "latest", manifestSHA256: nil)
            #expect(outcome.report.virtualMachines.map(\.name) == ["app01", "web01", "zz-dc"])
        }
    }
}
