/// How many NICs common VM sizes allow ("Max NICs" in the Azure VM size documentation; the classic
/// names from the 2015 multiple-NIC article: Large (A3) 2, ExtraLarge (A4) 4). Sizes not listed
/// are unknown: the check then says so instead of guessing.
enum VMSizeLimits {
    static func maximumNetworkInterfaces(size: String) -> Int? {
        var key = size.lowercased()
        if key.hasSuffix("_promo") { key.removeLast("_promo".count) }
        if !key.hasPrefix("standard_"), !key.hasPrefix("basic_"), let classic = classicNames[key] { key = classic }
        return table[key]
    }

    /// The classic API's names for A-series sizes.
    private static let classicNames: [String: String] = [
        "extrasmall": "standard_a0", "small": "standard_a1", "medium": "standard_a2", "large": "standard_a3",
        "extralarge": "standard_a4",
    ]

    private static let table: [String: Int] = {
        var table: [String: Int] = [
            "standard_a3": 2, "standard_a4": 4,
            // Av2
            "standard_a1_v2": 2, "standard_a2_v2": 2, "standard_a4_v2": 4, "standard_a8_v2": 8,
            "standard_a2m_v2": 2, "standard_a4m_v2": 4, "standard_a8m_v2": 8,
            // B-series
            "standard_b1ls": 2, "standard_b1s": 2, "standard_b1ms": 2, "standard_b2s": 3, "standard_b2ms": 3,
            "standard_b4ms": 4, "standard_b8ms": 4, "standard_b12ms": 6, "standard_b16ms": 8, "standard_b20ms": 8,
            // Dv2 / DSv2
            "standard_d1_v2": 2, "standard_d2_v2": 2, "standard_d3_v2": 4, "standard_d4_v2": 8, "standard_d5_v2": 8,
            "standard_d11_v2": 2, "standard_d12_v2": 4, "standard_d13_v2": 8, "standard_d14_v2": 8,
            "standard_d15_v2": 8,
            "standard_ds1_v2": 2, "standard_ds2_v2": 2, "standard_ds3_v2": 4, "standard_ds4_v2": 8,
            "standard_ds5_v2": 8,
            "standard_ds11_v2": 2, "standard_ds12_v2": 4, "standard_ds13_v2": 8, "standard_ds14_v2": 8,
            "standard_ds15_v2": 8,
        ]
        // Dv3/Dsv3, Dv4/Dsv4, Dv5/Dsv5 (and their d/a variants), Ev3/Esv3 … Ev5: 2, 2, 4, 8, 8 … by vCPU count.
        let byCores = [2: 2, 4: 2, 8: 4, 16: 8, 20: 8, 32: 8, 48: 8, 64: 8, 96: 8]
        for family in ["d", "e"] {
            for variant in ["", "s", "as", "ds", "ads"] {
                for generation in ["v3", "v4", "v5"] {
                    for (cores, nics) in byCores {
                        table["standard_\(family)\(cores)\(variant)_\(generation)"] = nics
                    }
                }
            }
        }
        // Fsv2: 2, 2, 4, 4, 8, 8, 8, 8.
        for (cores, nics) in [2: 2, 4: 2, 8: 4, 16: 4, 32: 8, 48: 8, 64: 8, 72: 8] {
            table["standard_f\(cores)s_v2"] = nics
        }
        return table
    }()
}
