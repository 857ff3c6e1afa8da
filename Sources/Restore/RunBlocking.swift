import Dispatch

/// Runs blocking file I/O on a Dispatch thread, off Swift's cooperative pool (which has one thread per core:
/// parallel disk copies on it would starve everything else).
func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws(RestoreError) -> T) async throws(RestoreError) -> T
{
    let result: Result<T, RestoreError> = await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            do throws(RestoreError) {
                continuation.resume(returning: .success(try work()))
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
    }
    return try result.get()
}
