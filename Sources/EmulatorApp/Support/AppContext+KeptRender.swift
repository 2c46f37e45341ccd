import ARMKit
import EmuCore
import EmulatorStore

extension AppContext {
    /// A GET of the resource `id`, whose document depends only on its stored body, the served api-version, `$expand`
    /// (all in `key`) and the emulated now: answered from a kept render while one holds (RenderCache), else
    /// rendered and kept.
    ///
    /// The store's generation is read before anything else, so a render kept here is tagged with a generation no
    /// later than the body it was made from. `missing` gives the error for a resource that is not there (it may read
    /// the levels above in the same transaction, CONTRACT.md §7); `render` makes the document at an instant, nil
    /// once the resource is gone; `nextChange` is the first instant after which the document may read differently.
    func keptRender(
        _ id: ResourceID, key: RenderCache.Key,
        missing: (ReadTransaction, Timestamp) throws(ARMError) -> ARMError,
        render: (StoredResource, Timestamp) -> JSON?,
        nextChange: (StoredResource, Timestamp) -> Timestamp?
    ) throws(ARMError) -> ARMResponse {
        let generation = db.store.generation
        let now = clock.now()
        if let generation, let kept = renders.render(for: key, generation: generation, at: now) {
            return ARMResponse(status: 200, body: kept.doc, serialized: kept.bytes)
        }
        return try db.read { tx throws(ARMError) in
            guard let (stored, version) = try liveBody(tx, id, now: now) else { throw try missing(tx, now) }
            if let version, let kept = renders.render(for: key, version: version, at: now, retagging: generation) {
                return ARMResponse(status: 200, body: kept.doc, serialized: kept.bytes)
            }
            guard let doc = render(stored, now) else { throw notFound(id) }
            let bytes = doc.serialized()
            if let version {
                renders.keep(
                    RenderCache.Render(doc: doc, bytes: bytes), for: key, version: version, generation: generation,
                    from: now, until: nextChange(stored, now))
            }
            return ARMResponse(status: 200, body: doc, serialized: bytes)
        }
    }
}
