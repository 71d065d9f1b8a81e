extension String {
    /// Every occurrence of `target` replaced by `replacement`, comparing UTF-8 bytes exactly.
    ///
    /// Foundation's `replacingOccurrences(of:with:)` goes through NSString's locale-aware search;
    /// putting an email's link placeholder in and out with it was a seventh of an invitation's
    /// CPU time (docs/performance.md). A byte match is right for such markers: UTF-8 is
    /// self-synchronizing, so a match always starts and ends on a character boundary.
    public func replacingEvery(_ target: String, with replacement: String) -> String {
        var text = self
        var target = target
        return text.withUTF8 { bytes in
            target.withUTF8 { needle in
                guard let first = needle.first, needle.count <= bytes.count else { return self }
                var output: [UInt8] = []
                var copiedUpTo = 0
                var index = 0
                let last = bytes.count - needle.count
                while index <= last {
                    if bytes[index] == first, memcmpEqual(bytes, at: index, needle) {
                        if output.isEmpty { output.reserveCapacity(bytes.count + replacement.utf8.count) }
                        output.append(contentsOf: bytes[copiedUpTo..<index])
                        output.append(contentsOf: replacement.utf8)
                        index += needle.count
                        copiedUpTo = index
                    } else {
                        index += 1
                    }
                }
                guard copiedUpTo > 0 else { return self }
                output.append(contentsOf: bytes[copiedUpTo...])
                return String(decoding: output, as: UTF8.self)
            }
        }
    }
}

private func memcmpEqual(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
    for offset in 0..<needle.count where bytes[start + offset] != needle[offset] { return false }
    return true
}
