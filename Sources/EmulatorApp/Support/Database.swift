import ARMKit
import EmuCore
import EmuHTTP
import EmulatorStore

/// The store as handlers use it: ARM errors in, ARM errors out. A store failure is logged with its cause and
/// answered as 500 `InternalServerError`; an ARM error thrown inside a transaction rolls it back.
struct Database: Sendable {
    let store: EmulatorStore
    let logger: Logger

    func read<T>(_ body: (ReadTransaction) throws(ARMError) -> T) throws(ARMError) -> T {
        var failure: ARMError?
        do {
            return try store.read { tx throws(StoreError) -> T in
                do throws(ARMError) { return try body(tx) } catch {
                    failure = error
                    throw StoreError.aborted
                }
            }
        } catch {
            throw failure ?? internalError(error)
        }
    }

    func write<T>(_ body: (WriteTransaction) throws(ARMError) -> T) throws(ARMError) -> T {
        var failure: ARMError?
        do {
            return try store.write { tx throws(StoreError) -> T in
                do throws(ARMError) { return try body(tx) } catch {
                    failure = error
                    throw StoreError.aborted
                }
            }
        } catch {
            throw failure ?? internalError(error)
        }
    }

    /// The 500 for a store failure outside a transaction body (a write batch that did not commit), logged.
    func failure(_ e: StoreError) -> ARMError { internalError(e) }

    private func internalError(_ e: StoreError) -> ARMError {
        let reference = GUID.make()
        logger.error("store failure (reference \(reference)): \(e)")
        return ARMError(
            status: 500, code: "InternalServerError",
            message: "The emulator's store failed: \(e). See the emulator log for reference \(reference).")
    }
}
