import COpenSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// PEM files on disk: existence checks, reading through an OpenSSL file BIO, and atomic writes with a mode.
enum PEMFile {
    /// True when `path` names an existing file or directory.
    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Opens `path` for reading as a BIO (`BIO_new_file(3)`); the caller frees it with `BIO_free`.
    static func openForReading(_ path: String, what: String) throws(TLSError) -> OpaquePointer {
        guard exists(path) else { throw TLSError("\(what) \(path) does not exist") }
        guard let bio = BIO_new_file(path, "r") else { throw TLSError.openSSL("cannot open \(what) \(path)") }
        return bio
    }

    /// Writes `bytes` to `path` through a temporary file renamed over it, so readers see the old or the new
    /// file, never half of one; the file gets `mode` (0600 for keys) whatever the umask allows.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t) throws(TLSError) {
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw TLSError("cannot create \(temporary): \(errnoText())") }
        var failure: String?
        if fchmod(fd, mode) != 0 { failure = "chmod: \(errnoText())" }
        var written = 0
        while failure == nil, written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n > 0 {
                written += n
            } else if n < 0, errno != EINTR {
                failure = "write: \(errnoText())"
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = "fsync: \(errnoText())" }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = "rename to \(path): \(errnoText())" }
        if let failure {
            unlink(temporary)
            throw TLSError("cannot write \(temporary) (\(failure))")
        }
    }

    /// Creates `path` and missing parents; a directory this call creates gets mode `mode` (0700).
    static func makeDirectory(_ path: String, mode: mode_t) throws(TLSError) {
        if exists(path) { return }
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty { try makeDirectory(parent, mode: mode) }
        if mkdir(path, mode) != 0, errno != EEXIST {
            throw TLSError("cannot create directory \(path): \(errnoText())")
        }
        chmod(path, mode)
    }

    /// `strerror(errno)` for messages.
    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
