import Foundation
import NetConfigCapture
import RewireModel
import RewireTestSupport
import Testing

@Suite("Capture of a VM's computer name, image, instance view and extensions")
struct VirtualMachineStateCaptureTests {
    static let sub = "/subscriptions/11111111-2222-3333-4444-555555555555"
    static let vmID = "\(sub)/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/app01"

    /// A VM body with `extra` spliced into `properties` (ARM) and `top` at the top level.
    static func armVM(properties extra: String = "", top: String = "") -> String {
        """
        {"id": "\(vmID)", "name": "app01", "type": "Microsoft.Compute/virtualMachines", "location": "westeurope",
         \(top.isEmpty ? "" : top + ",")
         "properties": {"vmId": "0e9c3f0a-4a7b-4c55-9f0e-6c7d8e9fa0b1", "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
           "storageProfile": {"osDisk": {"osType": "Linux", "name": "app01-os", "managedDisk": {"storageAccountType": "Premium_LRS"}}}
           \(extra.isEmpty ? "" : "," + extra)}}
        """
    }

    static let secret = "p4ssw0rd-that-must-never-be-captured"

    // MARK: ARM

    /// `GET .../virtualMachines/app01?$expand=instanceView`: the instance view under `properties`, extensions in
    /// the top-level `resources` array with their settings (which must not reach the manifest).
    @Test func readsTheInstanceViewAndExtensionsOfAnARMBody() throws {
        let body = Self.armVM(
            properties: """
                "osProfile": {"computerName": "APP01-HOST", "adminUsername": "azureuser", "linuxConfiguration": {}},
                "instanceView": {"computerName": "app01-host", "osName": "ubuntu", "osVersion": "22.04",
                  "vmAgent": {"vmAgentVersion": "2.12.0.2", "statuses": [{"code": "ProvisioningState/succeeded", "level": "Info",
                    "displayStatus": "Ready", "message": "Guest Agent is running", "time": "2025-11-20T08:14:05+00:00"}],
                    "extensionHandlers": [{"type": "Microsoft.Azure.Security.AzureDiskEncryptionForLinux", "typeHandlerVersion": "1.4.0.1"}]},
                  "statuses": [{"code": "PowerState/running", "level": "Info", "displayStatus": "VM running"}]}
                """,
            top: """
                "resources": [
                  {"name": "AzureDiskEncryptionForLinux", "id": "\(Self.vmID)/extensions/AzureDiskEncryptionForLinux",
                   "type": "Microsoft.Compute/virtualMachines/extensions", "location": "westeurope",
                   "properties": {"autoUpgradeMinorVersion": true, "provisioningState": "Succeeded", "publisher": "Microsoft.Azure.Security",
                     "type": "AzureDiskEncryptionForLinux", "typeHandlerVersion": "1.4",
                     "settings": {"EncryptionOperation": "EnableEncryption", "KeyVaultURL": "https://kv-app.vault.azure.net/"},
                     "protectedSettings": {"Passphrase": "\(Self.secret)"}}},
                  {"name": "AzureMonitorLinuxAgent", "id": "\(Self.vmID)/extensions/AzureMonitorLinuxAgent",
                   "type": "Microsoft.Compute/virtualMachines/extensions",
                   "properties": {"publisher": "Microsoft.Azure.Monitor", "type": "AzureMonitorLinuxAgent", "typeHandlerVersion": "1.33",
                     "settings": {"token": "\(Self.secret)"}}}]
                """)
        let manifest = try capture([("app01.json", body)])
        let vm = try #require(manifest.virtualMachines.first)
        #expect(vm.computerName == "APP01-HOST")  // osProfile first
        #expect(vm.osName == "ubuntu" && vm.osVersion == "22.04")
        #expect(vm.agent == GuestAgent(version: "2.12.0.2", status: "Ready"))
        #expect(
            vm.extensions == [
                VMExtension(name: "AzureDiskEncryptionForLinux", publisher: "Microsoft.Azure.Security", type: "AzureDiskEncryptionForLinux", version: "1.4"),
                VMExtension(name: "AzureMonitorLinuxAgent", publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorLinuxAgent", version: "1.33"),
            ])
        let bytes = String(decoding: try CanonicalJSON.encode(manifest), as: UTF8.self)
        #expect(!bytes.contains(Self.secret))
        #expect(!bytes.contains("KeyVaultURL"))
    }

    @Test func readsTheImageAndLeavesGalleryImagesOut() throws {
        let marketplace = Self.armVM(
            properties: #""osProfile": {"computerName": "app01"}"#,
            top: "")
            .replacingOccurrences(
                of: #""storageProfile": {"#,
                with: #""storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts-gen2", "version": "latest", "exactVersion": "22.04.202410020"}, "#)
        let vm = try #require(try capture([("a.json", marketplace)]).virtualMachines.first)
        #expect(vm.image == ImageReference(publisher: "Canonical", offer: "0001-com-ubuntu-server-jammy", sku: "22_04-lts-gen2", version: "latest"))
        let gallery = Self.armVM().replacingOccurrences(
            of: #""storageProfile": {"#,
            with: #""storageProfile": {"imageReference": {"id": "\#(Self.sub)/resourceGroups/rg-img/providers/Microsoft.Compute/galleries/g/images/app/versions/1.0.0"}, "#)
        #expect(try capture([("g.json", gallery)]).virtualMachines.first?.image == nil)
    }

    /// nil = the input did not say; [] = it said none.
    @Test func extensionsAreNilWhenNotListedAndEmptyWhenListedEmpty() throws {
        #expect(try capture([("a.json", Self.armVM())]).virtualMachines.first?.extensions == nil)
        #expect(try capture([("a.json", Self.armVM(top: #""resources": []"#))]).virtualMachines.first?.extensions == [])
        let vm = try #require(try capture([("a.json", Self.armVM())]).virtualMachines.first)
        #expect(vm.agent == nil && vm.osName == nil && vm.computerName == nil)
    }

    /// A VM whose agent never reported: ARM says version `Unknown`, status `Not Ready`.
    @Test func keepsAnAgentThatIsNotReadyAsReported() throws {
        let body = Self.armVM(
            properties: """
                "instanceView": {"vmAgent": {"vmAgentVersion": "Unknown", "statuses": [{"code": "ProvisioningState/Unavailable",
                  "level": "Warning", "displayStatus": "Not Ready", "message": "VM status blob is found but not yet populated.",
                  "time": "2025-11-20T08:00:00+00:00"}]}}
                """)
        let vm = try #require(try capture([("a.json", body)]).virtualMachines.first)
        #expect(vm.agent == GuestAgent(version: "Unknown", status: "Not Ready"))
    }

    // MARK: Azure CLI

    /// `az vm get-instance-view`: the flattened VM with `instanceView` at the top level; extensions in `resources`
    /// with the extension's type as `typePropertiesType` (the CLI keeps `type` for the resource type).
    @Test func readsAzureCLIInstanceViewAndExtensions() throws {
        let cli = """
            {"id": "\(Self.vmID)", "name": "app01", "type": "Microsoft.Compute/virtualMachines", "location": "westeurope",
             "resourceGroup": "rg-app", "vmId": "0e9c3f0a-4a7b-4c55-9f0e-6c7d8e9fa0b1",
             "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
             "storageProfile": {"osDisk": {"osType": "Windows", "name": "app01-os"}},
             "osProfile": null,
             "instanceView": {"computerName": "APP01", "osName": "Windows Server 2019 Datacenter", "osVersion": "10.0.17763.6414",
               "vmAgent": {"vmAgentVersion": "2.7.41491.1102", "statuses": [{"code": "ProvisioningState/succeeded", "displayStatus": "Ready",
                 "level": "Info", "message": "GuestAgent is running and processing the extensions.", "time": "2025-11-20T08:14:31+00:00"}]}},
             "resources": [{"autoUpgradeMinorVersion": true, "enableAutomaticUpgrade": null, "forceUpdateTag": null,
               "id": "\(Self.vmID)/extensions/MicrosoftMonitoringAgent", "instanceView": null, "location": "westeurope",
               "name": "MicrosoftMonitoringAgent", "protectedSettings": null, "provisioningState": "Succeeded",
               "publisher": "Microsoft.EnterpriseCloud.Monitoring", "resourceGroup": "rg-app",
               "settings": {"workspaceId": "\(Self.secret)"}, "suppressFailures": null, "tags": null,
               "type": "Microsoft.Compute/virtualMachines/extensions", "typeHandlerVersion": "1.0",
               "typePropertiesType": "MicrosoftMonitoringAgent"}]}
            """
        let manifest = try capture([("vm.json", cli)])
        let vm = try #require(manifest.virtualMachines.first)
        #expect(vm.computerName == "APP01")  // osProfile null: the instance view's name
        #expect(vm.osName == "Windows Server 2019 Datacenter" && vm.osVersion == "10.0.17763.6414")
        #expect(vm.agent?.version == "2.7.41491.1102" && vm.agent?.status == "Ready")
        #expect(
            vm.extensions == [
                VMExtension(name: "MicrosoftMonitoringAgent", publisher: "Microsoft.EnterpriseCloud.Monitoring", type: "MicrosoftMonitoringAgent", version: "1.0")
            ])
        #expect(!String(decoding: try CanonicalJSON.encode(manifest), as: UTF8.self).contains(Self.secret))
    }

    /// `az vm extension list` and `Get-AzVMExtension | ConvertTo-Json`, exported beside VMs that do not list
    /// their extensions: merged into the VM, by name with the VM's own copy winning.
    @Test func mergesExtensionsExportedOnTheirOwn() throws {
        let cliList = """
            [{"id": "\(Self.vmID)/extensions/AzureMonitorLinuxAgent", "name": "AzureMonitorLinuxAgent", "publisher": "Microsoft.Azure.Monitor",
              "resourceGroup": "rg-app", "settings": null, "type": "Microsoft.Compute/virtualMachines/extensions",
              "typeHandlerVersion": "1.33", "typePropertiesType": "AzureMonitorLinuxAgent"}]
            """
        let powerShell = """
            {"ResourceGroupName": "rg-app", "VMName": "app01", "Name": "enablevmaccess", "Location": "westeurope",
             "Publisher": "Microsoft.OSTCExtensions", "ExtensionType": "VMAccessForLinux", "TypeHandlerVersion": "1.5",
             "Id": "\(Self.vmID.uppercased())/extensions/enablevmaccess", "PublicSettings": "{}", "ProtectedSettings": null,
             "ProvisioningState": "Succeeded", "Statuses": null, "SubStatuses": null, "AutoUpgradeMinorVersion": true}
            """
        let manifest = try capture([("vm.json", Self.armVM()), ("ext-cli.json", cliList), ("ext-ps.json", powerShell)])
        let vm = try #require(manifest.virtualMachines.first)
        #expect(vm.extensions?.map(\.name) == ["AzureMonitorLinuxAgent", "enablevmaccess"])
        #expect(vm.extensions?.last?.type == "VMAccessForLinux" && vm.extensions?.last?.publisher == "Microsoft.OSTCExtensions")
        #expect(manifest.findings.filter { $0.code == "input.resource-type-ignored" }.isEmpty)
    }

    // MARK: PowerShell

    /// `Get-AzVM -ResourceGroupName rg-app -Name app01 | ConvertTo-Json -Depth 10`: `OSProfile.ComputerName`,
    /// `StorageProfile.ImageReference`, and `Extensions` with `VirtualMachineExtensionType`.
    @Test func readsPowerShellComputerNameImageAndExtensions() throws {
        let document = """
            {"ResourceGroupName": "rg-app", "Id": "\(Self.vmID)", "VmId": "0e9c3f0a-4a7b-4c55-9f0e-6c7d8e9fa0b1", "Name": "app01",
             "Type": "Microsoft.Compute/virtualMachines", "Location": "westeurope", "Tags": {},
             "HardwareProfile": {"VmSize": "Standard_D2s_v5"}, "InstanceView": null,
             "OSProfile": {"ComputerName": "app01", "AdminUsername": "azureuser", "LinuxConfiguration": {"DisablePasswordAuthentication": true}},
             "StorageProfile": {"ImageReference": {"Publisher": "Canonical", "Offer": "ubuntu-24_04-lts", "Sku": "server", "Version": "latest",
                                                   "ExactVersion": null, "Id": null},
                                "OsDisk": {"OsType": 1, "Name": "app01-os", "Caching": 2}, "DataDisks": []},
             "Extensions": [{"Publisher": "Microsoft.Azure.Extensions", "VirtualMachineExtensionType": "CustomScript",
                             "TypeHandlerVersion": "2.1", "AutoUpgradeMinorVersion": true, "Settings": {"commandToExecute": "echo \(Self.secret)"},
                             "ProtectedSettings": null, "ProvisioningState": "Succeeded", "Name": "CustomScript",
                             "Type": "Microsoft.Compute/virtualMachines/extensions", "Location": "westeurope",
                             "Id": "\(Self.vmID)/extensions/CustomScript"}]}
            """
        let manifest = try capture([("vm.json", document)])
        let vm = try #require(manifest.virtualMachines.first)
        #expect(vm.computerName == "app01")
        #expect(vm.image == ImageReference(publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest"))
        #expect(vm.extensions == [VMExtension(name: "CustomScript", publisher: "Microsoft.Azure.Extensions", type: "CustomScript", version: "2.1")])
        #expect(vm.agent == nil)
        #expect(!String(decoding: try CanonicalJSON.encode(manifest), as: UTF8.self).contains(Self.secret))
    }

    /// `Get-AzVM -ResourceGroupName rg-app -Name app01 -Status | ConvertTo-Json -Depth 10`: the instance view alone,
    /// with no `Id`; matched to the VM exported beside it by name and resource group.
    static let powerShellStatus = """
        {"ResourceGroupName": "RG-APP", "Name": "app01", "BootDiagnostics": null, "ComputerName": "app01",
         "Disks": [{"Name": "app01-os", "EncryptionSettings": null, "Statuses": [{"Code": "ProvisioningState/succeeded", "Level": 0,
                    "DisplayStatus": "Provisioning succeeded", "Message": null, "Time": "\\/Date(1709543740000)\\/"}]}],
         "Extensions": [], "HyperVGeneration": "V2", "OsName": "ubuntu", "OsVersion": "22.04", "PlatformFaultDomain": 0,
         "PlatformUpdateDomain": 0, "RdpThumbPrint": null,
         "Statuses": [{"Code": "PowerState/running", "Level": 0, "DisplayStatus": "VM running", "Message": null, "Time": null}],
         "VMAgent": {"VmAgentVersion": "2.12.0.2", "ExtensionHandlers": [],
                     "Statuses": [{"Code": "ProvisioningState/succeeded", "Level": 0, "DisplayStatus": "Ready",
                                   "Message": "Guest Agent is running", "Time": "\\/Date(1763626445000)\\/"}]}}
        """

    @Test func readsAPowerShellInstanceViewExportedWithoutItsVM() throws {
        let manifest = try capture([("vm.json", Self.armVM()), ("status.json", Self.powerShellStatus)])
        let vm = try #require(manifest.virtualMachines.first)
        #expect(vm.agent == GuestAgent(version: "2.12.0.2", status: "Ready"))
        #expect(vm.osName == "ubuntu" && vm.osVersion == "22.04" && vm.computerName == "app01")
        #expect(manifest.findings.filter { $0.code.hasPrefix("instanceView.") }.isEmpty)

        let stray = try capture([("status.json", Self.powerShellStatus.replacingOccurrences(of: #""Name": "app01""#, with: #""Name": "app99""#))])
        #expect(stray.findings.contains { $0.code == "instanceView.vm-not-in-input" && $0.message.contains("app99") })
    }

    /// The body of ARM's `GET .../instanceView` says nothing about which VM it belongs to.
    @Test func refusesAnARMInstanceViewBodyThatNamesNoVM() throws {
        let body = """
            {"computerName": "app01", "osName": "ubuntu", "osVersion": "22.04",
             "vmAgent": {"vmAgentVersion": "2.12.0.2", "statuses": [{"displayStatus": "Ready"}]},
             "statuses": [{"code": "PowerState/running", "displayStatus": "VM running"}]}
            """
        var capture = Capture()
        let error = try #require(throws: CaptureError.self) { try capture.add(file: "view.json", bytes: Array(body.utf8)) }
        #expect(error.code == .shape)
        #expect(error.description.contains("$expand=instanceView") && error.description.contains("ResourceGroupName"))
    }

    // MARK: the example estate

    @Test func theExampleEstateCarriesItsInstanceViewAndNetworkInBothShapes() throws {
        for shape in ["arm", "azcli"] {
            let manifest = try capture(files: exampleFiles(shape))
            let web01 = try #require(manifest.virtualMachines.first { $0.name == "web01" })
            #expect(web01.computerName == "WEB01")
            #expect(web01.agent == GuestAgent(version: "2.7.41491.1102", status: "Ready"))
            #expect(web01.osName == "Windows Server 2022 Datacenter: Azure Edition")
            #expect(web01.image?.sku == "2022-datacenter-azure-edition")
            #expect(web01.extensions == nil)
            let network = try #require(manifest.virtualNetworks.first)
            #expect(manifest.virtualNetworks.count == 1)
            #expect(network.dnsServers == ["10.10.2.4", "10.10.2.5"])
            #expect(network.subnets.map(\.name) == ["snet-identity", "snet-mgmt", "snet-web"])
            let index = ManifestIndex(manifest)
            for nic in manifest.networkInterfaces {
                for configuration in nic.ipConfigurations {
                    #expect(index.subnet(id: try #require(configuration.subnetId)) != nil, "\(nic.name)")
                }
            }
            #expect(manifest.findings.filter { $0.severity != .info }.isEmpty)
        }
    }

    // MARK: wrong types

    @Test(arguments: [
        (#""instanceView": "running""#, "", ["$.properties.instanceView", "instanceView as an object"]),
        (#""instanceView": {"vmAgent": ["2.7"]}"#, "", ["$.properties.instanceView.vmAgent", "vmAgent as an object, found an array"]),
        (#""instanceView": {"osName": {"name": "ubuntu"}}"#, "", ["$.properties.instanceView.osName", "expected a string, found an object"]),
        (#""osProfile": "app01""#, "", ["$.properties.osProfile", "osProfile as an object"]),
        ("", #""resources": {"name": "x"}"#, ["$.resources", "expected an array, found an object"]),
        ("", #""resources": [{"name": "x", "properties": {"type": "CustomScript"}}]"#, ["$.resources[0]", "publisher of extension 'x'"]),
        ("", #""resources": [{"name": "x", "properties": {"publisher": "P"}}]"#, ["$.resources[0]", "type of extension 'x'"]),
        ("", #""Extensions": ["Microsoft.Azure.Management.Compute.Models.VirtualMachineExtension"]"#, ["$.Extensions[0]", "-Depth 20"]),
    ])
    func wrongTypesStopCaptureWithTheFileAndJSONPath(properties: String, top: String, mentions: [String]) throws {
        var capture = Capture()
        let error = try #require(throws: CaptureError.self) {
            try capture.add(file: "exports/vm.json", bytes: Array(Self.armVM(properties: properties, top: top).utf8))
        }
        #expect(error.code == .shape)
        #expect(error.description.hasPrefix("exports/vm.json"))
        for mention in mentions { #expect(error.description.contains(mention), "\(error.description)") }
    }
}
