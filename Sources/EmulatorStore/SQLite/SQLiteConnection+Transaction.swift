import CSQLite

extension SQLiteConnection {
    /// How a transaction takes its locks (<https://www.sqlite.org/lang_transaction.html>).
    enum TransactionKind: Sendable {
        /// Locks on first read or write; right for read transactions.
        case deferred
        /// Takes the write lock at BEGIN, so a write never fails mid-way with `SQLITE_BUSY` on lock upgrade.
        case immediate
    }

    /// Runs `body` inside a transaction: committed when it returns, rolled back when it (or COMMIT) throws.
    func inTransaction<T, Failure: Error>(
        _ kind: TransactionKind,
        mapError: (SQLiteError) -> Failure,
        _ body: () throws(Failure) -> T
    ) throws(Failure) -> T {
        do throws(SQLiteError) {
            try run(kind == .immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")
        } catch {
            throw mapError(error)
        }
        let value: T
        do throws(Failure) {
            value = try body()
        } catch {
            rollback()
            throw error
        }
        do throws(SQLiteError) {
            try run("COMMIT")
        } catch {
            rollback()
            throw mapError(error)
        }
        return value
    }

    /// Runs `body` in a savepoint of the open transaction (sqlite.org/lang_savepoint.html): released into the
    /// transaction when it returns, rolled back (alone) when it throws.
    func inSavepoint<T, Failure: Error>(
        mapError: (SQLiteError) -> Failure,
        _ body: () throws(Failure) -> T
    ) throws(Failure) -> T {
        do throws(SQLiteError) { try run("SAVEPOINT w") } catch { throw mapError(error) }
        let value: T
        do throws(Failure) {
            value = try body()
        } catch {
            // ROLLBACK TO leaves the savepoint open; RELEASE ends it. Both fail only when SQLite has already
            // rolled the whole transaction back, which the caller sees as `isAutocommit`.
            try? run("ROLLBACK TO w")
            try? run("RELEASE w")
            throw error
        }
        do throws(SQLiteError) { try run("RELEASE w") } catch { throw mapError(error) }
        return value
    }

    /// Rolls back the open transaction, if any. A failed ROLLBACK leaves nothing to do: SQLite has then
    /// already rolled back on its own (<https://www.sqlite.org/lang_transaction.html>, "Response To Errors").
    func rollback() {
        guard !isAutocommit else { return }
        try? run("ROLLBACK")
    }
}
