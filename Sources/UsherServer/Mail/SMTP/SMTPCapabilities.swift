/// What the server said it supports in its EHLO reply.
struct SMTPCapabilities: Sendable, Equatable {
    var isExtended = false
    var startTLS = false
    var authMechanisms: Set<String> = []
    /// Present when SIZE is advertised; nil value inside means "advertised without a limit".
    var sizeAdvertised = false
    var maxSize: Int?
    var smtpUTF8 = false
    var eightBitMIME = false

    init() {}

    /// The first line of an EHLO reply is the server's greeting; each further line is one
    /// extension keyword with optional parameters.
    init(ehloReply reply: SMTPReply) {
        isExtended = true
        for line in reply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0) }
            guard let first = words.first else { continue }
            // Some old servers advertise "AUTH=PLAIN LOGIN".
            let keyword: String
            var params = Array(words.dropFirst())
            if first.uppercased().hasPrefix("AUTH=") {
                keyword = "AUTH"
                params.insert(String(first.dropFirst(5)), at: 0)
            } else {
                keyword = first.uppercased()
            }
            switch keyword {
            case "STARTTLS": startTLS = true
            case "AUTH": authMechanisms.formUnion(params.map { $0.uppercased() })
            case "SIZE":
                sizeAdvertised = true
                // "SIZE 0" or a bare "SIZE" means no fixed limit (RFC 1870).
                if let limit = params.first.flatMap({ Int($0) }), limit > 0 { maxSize = limit }
            case "SMTPUTF8": smtpUTF8 = true
            case "8BITMIME": eightBitMIME = true
            default: break
            }
        }
    }
}
