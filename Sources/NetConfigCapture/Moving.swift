/// Moving large values instead of copying them. A manifest of thousands of VMs is made of large
/// structs with dozens of strings and arrays each; every copy of one is a retain of each and a
/// release later, which the capture of a 5,000-VM deployment spent a noticeable share of its
/// time on.

/// Moves the value out of `place`, leaving `empty` there, so that the caller holds the only
/// reference to the value's storage and can change it in place rather than copy it.
func taking<Value>(_ place: inout Value, leaving empty: Value) -> Value {
    var taken = empty
    swap(&taken, &place)
    return taken
}

extension Array {
    /// Reorders the elements so that the one at `order[i]` ends up at `i`. `order` is a
    /// permutation of the indices. Elements are swapped through the buffer, which moves them.
    mutating func permute(into order: [Int]) {
        precondition(order.count == count, "permute(into:) needs a permutation of the indices")
        var placed = [Bool](repeating: false, count: count)
        withUnsafeMutableBufferPointer { buffer in
            for start in buffer.indices where !placed[start] {
                var current = start
                while true {
                    placed[current] = true
                    let next = order[current]
                    if next == start { break }
                    buffer.swapAt(current, next)
                    current = next
                }
            }
        }
    }

    /// Calls `body` with each element in order, moving it out of the array (a `for` loop would
    /// copy each element and release the array's copies afterwards).
    consuming func forEachMoved(_ body: (consuming Element) throws -> Void) rethrows {
        withUnsafeMutableBufferPointer { $0.reverse() }
        while let element = popLast() { try body(element) }
    }
}
