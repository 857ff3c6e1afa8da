import Foundation
import RewireModel
import RewireTestSupport
import ScriptGen
import Testing

@Suite("Scripts for the example estate")
struct ExampleScriptTests {
    @Test func matchTheGoldenFiles() throws {
        let golden = Paths.repository.appendingPathComponent("Tests/ScriptGenTests/Golden/example")
        for file in try generate(try exampleManifest()) {
            let mismatch = try Golden.mismatch(file.contents, golden: golden.appendingPathComponent(file.name))
            #expect(mismatch == nil, "\(mismatch ?? "")")
        }
    }

    @Test func passPSCheckWithZeroFindings() throws {
        let directory = try TemporaryDirectory()
        let scripts = try write(try generate(try exampleManifest()), into: directory)
        #expect(scripts.count == 3)
        let findings = try PSCheck.findings(scripts)
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test func areTheSameBytesEveryTime() throws {
        let manifest = try exampleManifest()
        #expect(try generate(manifest) == (try generate(manifest)))
    }

    @Test func restoreWithATargetResourceGroupNeverOverTheOriginalDisks() throws {
        let directory = try TemporaryDirectory()
        let calls = try PSCheck.calls(try write(try generate(try exampleManifest()), into: directory))
        let restores = calls.filter { $0.resolved == "Restore-AzRecoveryServicesBackupItem" }
        #expect(restores.count == 2)
        #expect(restores.allSatisfy { $0.has("TargetResourceGroupName") })
        #expect(calls.contains { $0.resolved == "Wait-AzRecoveryServicesBackupJob" })
        #expect(calls.contains { $0.resolved == "Get-AzRecoveryServicesBackupJobDetail" })
    }

    /// Every captured pool id, NAT rule id, static IP and public IP of the example reached the
    /// right parameter of the right call.
    @Test func everyCapturedNetworkSettingReachesTheRightParameter() throws {
        let manifest = try exampleManifest()
        let directory = try TemporaryDirectory()
        let calls = try PSCheck.calls(try write(try generate(manifest), into: directory))
        let ipConfigCalls = calls.filter {
            ["New-AzNetworkInterfaceIpConfig", "Add-AzNetworkInterfaceIpConfig", "Set-AzNetworkInterfaceIpConfig"].contains($0.resolved ?? "")
        }
        for nic in manifest.networkInterfaces {
            for configuration in nic.ipConfigurations {
                let created = ipConfigCalls.filter {
                    $0.resolved == "New-AzNetworkInterfaceIpConfig" && $0.value("Name")?.strings == [configuration.name]
                        && $0.value("SubnetId")?.strings == configuration.subnetId.map { [$0] }
                }
                let matching = created.filter {
                    ($0.value("LoadBalancerBackendAddressPoolId")?.strings ?? []) == configuration.loadBalancerBackendAddressPoolIds
                        && ($0.value("LoadBalancerInboundNatRuleId")?.strings ?? []) == configuration.loadBalancerInboundNatRuleIds
                        && $0.value("PublicIpAddressId")?.strings.first == configuration.publicIPAddressId
                        && $0.value("PrivateIpAddress")?.strings.first
                            == (configuration.privateIPAllocationMethod == .static ? configuration.privateIPAddress : nil)
                        && $0.has("Primary") == configuration.primary
                }
                #expect(matching.count == 1, "\(nic.name)/\(configuration.name) not created with its captured settings")
                // The same settings again for a NIC that survived.
                #expect(ipConfigCalls.filter { $0.resolved == "Set-AzNetworkInterfaceIpConfig" && $0.value("Name")?.strings == [configuration.name] && ($0.value("LoadBalancerBackendAddressPoolId")?.strings ?? []) == configuration.loadBalancerBackendAddressPoolIds }.count >= 1)
            }
            let creates = calls.filter { $0.resolved == "New-AzNetworkInterface" && $0.value("Name")?.strings == [nic.name] }
            #expect(creates.count == 1)
            #expect(creates.first?.value("NetworkSecurityGroupId")?.strings.first == nic.networkSecurityGroupId)
            #expect(creates.first?.has("EnableAcceleratedNetworking") == nic.enableAcceleratedNetworking)
            #expect(creates.first?.has("EnableIPForwarding") == nic.enableIPForwarding)
        }
        for pip in manifest.publicIPAddresses {
            let create = try #require(calls.first { $0.resolved == "New-AzPublicIpAddress" && $0.value("Name")?.strings == [pip.name] })
            #expect(create.value("AllocationMethod")?.strings == [pip.allocationMethod.rawValue])
            #expect(create.value("DomainNameLabel")?.strings.first == pip.domainNameLabel)
            #expect(create.value("Sku")?.strings.first == pip.sku)
        }
        let lb = try #require(manifest.loadBalancers.first)
        for rule in lb.inboundNatRules {
            let create = try #require(calls.first { $0.resolved == "New-AzLoadBalancerInboundNatRuleConfig" && $0.value("Name")?.strings == [rule.name] })
            #expect(create.value("FrontendPort") == .number(Double(rule.frontendPort ?? -1)))
            #expect(create.value("BackendPort") == .number(Double(rule.backendPort ?? -1)))
        }
        // NICs attach in the VM's order, the primary one marked.
        for vm in manifest.virtualMachines {
            let file = directory.path("\(vm.name).ps1")
            let attaches = calls.filter { $0.file == file && $0.resolved == "Add-AzVMNetworkInterface" }
            #expect(attaches.map { $0.has("Primary") } == vm.networkInterfaces.map(\.primary))
            let dataDisks = calls.filter { $0.file == file && $0.resolved == "Add-AzVMDataDisk" }
            #expect(dataDisks.map { $0.value("Lun") } == vm.dataDisks.map { .number(Double($0.lun ?? -1)) })
            let config = try #require(calls.first { $0.file == file && $0.resolved == "New-AzVMConfig" })
            #expect(config.value("VMSize")?.strings == [vm.size])
        }
    }

    @Test func restoreAllRunsEveryVMScript() throws {
        let files = try generate(try exampleManifest())
        let all = try #require(files.first { $0.name == "restore-all.ps1" }).contents
        #expect(all.contains("-ChildPath 'web01.ps1'") && all.contains("-ChildPath 'web02.ps1'"))
        #expect(all.range(of: "web01.ps1")!.lowerBound < all.range(of: "web02.ps1")!.lowerBound)
    }
}
