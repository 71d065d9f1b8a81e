/// Punycode (RFC 3492), the encoding of internationalised domain labels as ASCII "A-labels"
/// (`bücher` ⇄ `bcher-kva`, written `xn--bcher-kva` in a domain name).
enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
    private static let initialBias = 72, initialN = 0x80
    /// Far beyond any label (63 octets): stops arithmetic on hostile input before it overflows.
    private static let limit = 0x7FFF_FFFF

    static func encode(_ input: String) -> String? {
        let scalars = input.unicodeScalars.map { Int($0.value) }
        var output = scalars.filter { $0 < 0x80 }.compactMap { Unicode.Scalar($0).map(Character.init) }.map(String.init).joined()
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output += "-" }
        var n = initialN
        var delta = 0
        var bias = initialBias
        while handled < scalars.count {
            guard let m = scalars.filter({ $0 >= n }).min() else { return nil }
            guard (m - n) <= (limit - delta) / (handled + 1) else { return nil }
            delta += (m - n) * (handled + 1)
            n = m
            for c in scalars {
                if c < n {
                    delta += 1
                    guard delta < limit else { return nil }
                }
                if c == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = threshold(k, bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, firstTime: handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return output
    }

    static func decode(_ input: String) -> String? {
        let characters = Array(input.unicodeScalars)
        guard characters.allSatisfy(\.isASCII) else { return nil }
        var output: [Int] = []
        var position = 0
        if let hyphen = characters.lastIndex(of: "-") {
            output = characters[..<hyphen].map { Int($0.value) }
            position = hyphen + 1
        }
        var n = initialN
        var i = 0
        var bias = initialBias
        while position < characters.count {
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard position < characters.count, let d = value(characters[position]) else { return nil }
                position += 1
                guard d <= (limit - i) / w else { return nil }
                i += d * w
                let t = threshold(k, bias)
                if d < t { break }
                guard w <= limit / (base - t) else { return nil }
                w *= base - t
                k += base
            }
            bias = adapt(i - oldI, output.count + 1, firstTime: oldI == 0)
            guard i / (output.count + 1) <= limit - n else { return nil }
            n += i / (output.count + 1)
            i %= output.count + 1
            guard n >= 0x80 else { return nil }
            output.insert(n, at: i)
            i += 1
        }
        var result = String.UnicodeScalarView()
        for value in output {
            guard let scalar = Unicode.Scalar(value) else { return nil }
            result.append(scalar)
        }
        return String(result)
    }

    private static func threshold(_ k: Int, _ bias: Int) -> Int {
        k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
    }

    private static func adapt(_ delta: Int, _ points: Int, firstTime: Bool) -> Int {
        var delta = firstTime ? delta / damp : delta / 2
        delta += delta / points
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    private static func digit(_ d: Int) -> Character {
        Character(Unicode.Scalar(UInt8(d < 26 ? 0x61 + d : 0x30 + d - 26)))
    }

    private static func value(_ c: Unicode.Scalar) -> Int? {
        switch c.value {
        case 0x30...0x39: Int(c.value) - 0x30 + 26
        case 0x41...0x5A: Int(c.value) - 0x41
        case 0x61...0x7A: Int(c.value) - 0x61
        default: nil
        }
    }
}
