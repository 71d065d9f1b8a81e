/// RFC 5321 §4.5.2: a line starting with "." gets one more, so that no line of the message
/// can be read as the end-of-data marker. Also guarantees the data ends with CRLF, since
/// the terminating "." must start a line.
enum SMTPDotStuffing {
    static func stuff(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + data.count / 64 + 4)
        var atLineStart = true
        for byte in data {
            if atLineStart && byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
        }
        if !out.isEmpty && !out.ends(with: [13, 10]) {
            out += [13, 10]
        }
        return out
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
