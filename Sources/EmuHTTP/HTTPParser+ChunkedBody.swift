extension HTTPParser {
    /// Decodes a chunked body (RFC 9112 §7.1) across calls, consuming buffer bytes as they are decoded.
    struct ChunkedBody {
        enum Stage {
            /// Reading `chunk-size [chunk-ext] CRLF`.
            case size
            /// Copying chunk data; this many bytes remain.
            case data(Int)
            /// Expecting the CRLF after chunk data.
            case dataEnd
            /// Skipping the trailer section (RFC 9112 §7.1.2); this many trailer bytes so far.
            case trailers(Int)
        }

        /// Longest chunk-size line accepted, extensions included.
        static let maxSizeLineBytes = 4096

        var stage = Stage.size
        var body: [UInt8] = []

        /// Decodes what `buffer[start...]` holds; true once the last chunk and the trailer section are consumed.
        mutating func decode(
            _ buffer: inout [UInt8], from start: inout Int, maxBodyBytes: Int, maxTrailerBytes: Int
        ) throws(HTTPParseError) -> Bool {
            while true {
                switch stage {
                case .size:
                    guard let lf = buffer[start...].firstIndex(of: HTTPSyntax.lf) else {
                        if buffer.count - start > Self.maxSizeLineBytes {
                            throw .badRequest("A chunk-size line is too long.")
                        }
                        return false
                    }
                    guard lf - start <= Self.maxSizeLineBytes else {
                        throw .badRequest("A chunk-size line is too long.")
                    }
                    let size = try Self.chunkSize(buffer[start..<lf])
                    start = lf + 1
                    if size == 0 {
                        stage = .trailers(0)
                    } else if size > maxBodyBytes - body.count {
                        throw .contentTooLarge("The chunked request body exceeds \(maxBodyBytes) bytes.")
                    } else {
                        stage = .data(size)
                    }
                case .data(let remaining):
                    let n = min(remaining, buffer.count - start)
                    guard n > 0 else { return false }
                    body.append(contentsOf: buffer[start..<start + n])
                    start += n
                    stage = remaining == n ? .dataEnd : .data(remaining - n)
                case .dataEnd:
                    guard start < buffer.count else { return false }
                    if buffer[start] == HTTPSyntax.cr {
                        guard start + 1 < buffer.count else { return false }
                        guard buffer[start + 1] == HTTPSyntax.lf else {
                            throw .badRequest("Chunk data is not followed by CRLF.")
                        }
                        start += 2
                    } else if buffer[start] == HTTPSyntax.lf {
                        start += 1  // RFC 9112 §2.2: a bare LF may end a line
                    } else {
                        throw .badRequest("Chunk data is longer than its chunk-size.")
                    }
                    stage = .size
                case .trailers(let seen):
                    guard let lf = buffer[start...].firstIndex(of: HTTPSyntax.lf) else {
                        if seen + buffer.count - start >= maxTrailerBytes {
                            throw .headerFieldsTooLarge("The trailer section exceeds \(maxTrailerBytes) bytes.")
                        }
                        return false
                    }
                    let length = lf + 1 - start
                    guard seen + length <= maxTrailerBytes else {
                        throw .headerFieldsTooLarge("The trailer section exceeds \(maxTrailerBytes) bytes.")
                    }
                    let blank = length == 1 || (length == 2 && buffer[start] == HTTPSyntax.cr)
                    start = lf + 1
                    if blank { return true }
                    stage = .trailers(seen + length)  // trailer fields are read and ignored
                }
            }
        }

        /// `chunk-size [ BWS ";" chunk-ext ] [CR]`: hex digits, then optional extensions, which are ignored.
        static func chunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
            var line = line
            if line.last == HTTPSyntax.cr { line = line.dropLast() }
            var size = 0
            var digits = 0
            var significant = 0
            var i = line.startIndex
            while i < line.endIndex, let v = HTTPSyntax.hexValue(line[i]) {
                digits += 1
                if size > 0 || v > 0 { significant += 1 }
                // Fifteen hex digits already exceed any body limit; more could overflow.
                if significant > 15 { throw .contentTooLarge("A chunk size is too large.") }
                size = size << 4 | v
                i += 1
            }
            guard digits > 0 else { throw .badRequest("A chunk-size is not hexadecimal.") }
            while i < line.endIndex && (line[i] == HTTPSyntax.space || line[i] == HTTPSyntax.tab) { i += 1 }
            guard i == line.endIndex || line[i] == HTTPSyntax.semicolon else {
                throw .badRequest("A chunk-size is followed by something other than an extension.")
            }
            guard line[i...].allSatisfy(HTTPSyntax.isFieldValueChar) else {
                throw .badRequest("A chunk extension contains a control character.")
            }
            return size
        }
    }
}
