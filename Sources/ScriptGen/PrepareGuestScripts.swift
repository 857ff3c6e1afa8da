public import RewireModel

/// The scripts `prepare.ps1` runs inside a VM (`Invoke-AzVMRunCommand`) to send the VM agent and
/// the backup extension through an HTTP proxy, as the prepare documentation (2016–2018) describes.
/// They are data to prepare.ps1: each reaches it as one quoted `-ScriptString` literal. The host was
/// validated as a DNS name or IPv4 address and the port is a number, so neither needs quoting
/// inside the guest script beyond the single quotes used there.
public enum ProxyGuestScript {
    /// Addresses the agent must reach directly: the wire server and the instance metadata service.
    static let bypass = ["169.254.169.254", "168.63.129.16"]

    /// `RunShellScript` or `RunPowerShellScript`.
    public static func commandId(for os: OSType) -> String {
        os == .linux ? "RunShellScript" : "RunPowerShellScript"
    }

    public static func text(for os: OSType, proxy: ProxyAddress) -> String {
        os == .linux ? linux(proxy) : windows(proxy)
    }

    /// `http_proxy` / `https_proxy` in `/etc/environment`, `HttpProxy.Host` / `HttpProxy.Port` in
    /// `/etc/waagent.conf`: old lines removed and the new ones appended, so a second run changes
    /// nothing. The agent reads its configuration when it starts; it also runs this command, so it is
    /// restarted a few seconds after the command has returned.
    static func linux(_ proxy: ProxyAddress) -> String {
        let noProxy = bypass.joined(separator: ",")
        return #"""
            #!/bin/sh
            # Written by rewire prepare: send the VM agent and the backup extension through the proxy.
            set -e
            proxy='http://\#(proxy.host):\#(proxy.port)'
            touch /etc/environment
            sed -i -e '/^http_proxy=/d' -e '/^https_proxy=/d' -e '/^no_proxy=/d' /etc/environment
            printf 'http_proxy=%s\nhttps_proxy=%s\nno_proxy=%s\n' "$proxy" "$proxy" '\#(noProxy)' >> /etc/environment
            conf=/etc/waagent.conf
            touch "$conf"
            sed -i -e '/^HttpProxy\.Host=/d' -e '/^HttpProxy\.Port=/d' "$conf"
            printf 'HttpProxy.Host=%s\nHttpProxy.Port=%s\n' '\#(proxy.host)' '\#(proxy.port)' >> "$conf"
            for unit in walinuxagent waagent; do
                if systemctl cat "$unit.service" >/dev/null 2>&1; then
                    nohup sh -c "sleep 15; systemctl restart $unit.service" >/dev/null 2>&1 &
                    echo "the agent ($unit) restarts in 15 seconds to read the proxy"
                    break
                fi
            done
            echo "proxy $proxy set in /etc/environment and $conf"
            """#
    }

    /// The machine-wide WinHTTP proxy (`netsh winhttp set proxy`), and the same proxy for the
    /// SYSTEM account the extension runs as: the values the documentation lists (`ProxyEnable`,
    /// `ProxyServer`, `DefaultConnectionSettings`, `SavedLegacySettings`) under
    /// `HKEY_USERS\S-1-5-18`. The connection-settings blob is WinINet's: version, counter, flags
    /// (3: direct and proxy), the proxy, the bypass list, no configuration script.
    static func windows(_ proxy: ProxyAddress) -> String {
        let bypassList = (["<local>"] + bypass).joined(separator: ";")
        return #"""
            # Written by rewire prepare: send the VM agent and the backup extension through the proxy.
            $ErrorActionPreference = 'Stop'
            $server = '\#(proxy.host):\#(proxy.port)'
            $bypass = '\#(bypassList)'
            & netsh.exe winhttp set proxy proxy-server="$server" bypass-list="$bypass"
            if ($LASTEXITCODE -ne 0) { throw "netsh winhttp set proxy failed with exit code $LASTEXITCODE" }
            $settings = 'Registry::HKEY_USERS\S-1-5-18\Software\Microsoft\Windows\CurrentVersion\Internet Settings'
            foreach ($key in @($settings, "$settings\Connections")) {
                if (-not (Test-Path -Path $key)) { New-Item -Path $key | Out-Null }
            }
            Set-ItemProperty -Path $settings -Name ProxyEnable -Value 1 -Type DWord
            Set-ItemProperty -Path $settings -Name ProxyServer -Value $server -Type String
            Set-ItemProperty -Path $settings -Name ProxyOverride -Value $bypass -Type String
            $ascii = [System.Text.Encoding]::ASCII
            $blob = [System.Collections.Generic.List[byte]]::new()
            $blob.AddRange([System.BitConverter]::GetBytes([int]0x46))
            $blob.AddRange([System.BitConverter]::GetBytes([int]1))
            $blob.AddRange([System.BitConverter]::GetBytes([int]3))
            $blob.AddRange([System.BitConverter]::GetBytes([int]$server.Length))
            $blob.AddRange($ascii.GetBytes($server))
            $blob.AddRange([System.BitConverter]::GetBytes([int]$bypass.Length))
            $blob.AddRange($ascii.GetBytes($bypass))
            $blob.AddRange([byte[]]::new(36))
            foreach ($name in @('DefaultConnectionSettings', 'SavedLegacySettings')) {
                Set-ItemProperty -Path "$settings\Connections" -Name $name -Value $blob.ToArray() -Type Binary
            }
            Write-Output "proxy $server set for WinHTTP and for the SYSTEM account"
            """#
    }
}
