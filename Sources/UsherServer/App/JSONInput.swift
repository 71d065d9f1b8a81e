import Foundation
import UsherCore
import Vapor

/// Any JSON value. Request bodies are read into this first, so that every problem with a body
/// (unknown fields, wrong types, values too long) is reported by name, all at once.
enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if n.rounded() == n, abs(n) < 1e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Rough size in characters, to bound free-form values.
    var size: Int {
        switch self {
        case .null, .bool, .number: 8
        case .string(let s): s.count + 2
        case .array(let a): a.reduce(2) { $0 + $1.size + 1 }
        case .object(let o): o.reduce(2) { $0 + $1.key.count + $1.value.size + 4 }
        }
    }

    var depth: Int {
        switch self {
        case .array(let a): 1 + (a.map(\.depth).max() ?? 0)
        case .object(let o): 1 + (o.values.map(\.depth).max() ?? 0)
        default: 0
        }
    }
}

/// Where a body's field errors are collected.
final class FieldErrorSink {
    var errors: [FieldError] = []
    func add(_ field: String, _ message: String) { errors.append(FieldError(field, message)) }
}

/// Reads one JSON object field by field, recording what is wrong instead of stopping at the
/// first problem. `finish()` throws a 400 with every field error.
final class JSONObjectReader {
    let path: String
    let values: [String: JSONValue]
    let sink: FieldErrorSink
    private var known: Set<String> = []

    init(_ values: [String: JSONValue], path: String = "", sink: FieldErrorSink = FieldErrorSink()) {
        self.values = values
        self.path = path
        self.sink = sink
    }

    /// Reads a request's body, which must be a JSON object.
    static func body(of request: Request) throws -> JSONObjectReader {
        guard let buffer = request.body.data, buffer.readableBytes > 0 else {
            throw UsherError.badRequest(.requestMalformed, "This call needs a JSON object as its body.")
        }
        // Vapor limits streamed bodies; this also covers bodies that arrived in one piece.
        guard buffer.readableBytes <= request.usher.config.maxBodyBytes else {
            throw UsherError(
                status: 413, errorKey: .requestTooLarge, title: "Payload Too Large",
                detail: "The request body is larger than this server accepts (USHER_MAX_BODY_BYTES).")
        }
        if let type = request.headers.contentType,
            !(type.type == "application" && (type.subType == "json" || type.subType.hasSuffix("+json")))
        {
            throw UsherError(
                status: 415, errorKey: .requestUnsupportedMediaType, title: "Unsupported Media Type",
                detail: "Send the body as application/json.")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer))
        } catch {
            throw UsherError.badRequest(.requestMalformed, "The request body is not valid JSON.")
        }
        guard case .object(let object) = value else {
            throw UsherError.badRequest(.requestMalformed, "The request body must be a JSON object, not \(value.typeName).")
        }
        guard value.depth <= 8 else {
            throw UsherError.badRequest(.requestMalformed, "The request body is nested too deeply.")
        }
        return JSONObjectReader(object)
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool {
        known.insert(key)
        if case .null = values[key] ?? .null { return false }
        return values[key] != nil
    }

    func raw(_ key: String) -> JSONValue? {
        known.insert(key)
        guard let v = values[key], v != .null else { return nil }
        return v
    }

    func string(_ key: String, required: Bool = false, max: Int = 200, allowEmpty: Bool = false) -> String? {
        guard let v = raw(key) else {
            if required { sink.add(field(key), "is required") }
            return nil
        }
        guard case .string(let s) = v else {
            sink.add(field(key), "must be a string, not \(v.typeName)")
            return nil
        }
        if !allowEmpty && s.trimmingCharacters(in: .whitespaces).isEmpty {
            sink.add(field(key), "must not be empty")
            return nil
        }
        if let problem = PlainText.problem(s, max: max) {
            sink.add(field(key), problem)
            return nil
        }
        return s
    }

    func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let v = raw(key) else {
            if required { sink.add(field(key), "is required") }
            return nil
        }
        guard case .bool(let b) = v else {
            sink.add(field(key), "must be true or false, not \(v.typeName)")
            return nil
        }
        return b
    }

    func int(_ key: String, range: ClosedRange<Int>, required: Bool = false) -> Int? {
        guard let v = raw(key) else {
            if required { sink.add(field(key), "is required") }
            return nil
        }
        guard case .number(let n) = v, n.rounded() == n, n >= Double(Int32.min), n <= Double(Int32.max) else {
            sink.add(field(key), "must be a whole number, not \(v.typeName)")
            return nil
        }
        guard range.contains(Int(n)) else {
            sink.add(field(key), "must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return Int(n)
    }

    func object(_ key: String, required: Bool = false) -> JSONObjectReader? {
        guard let v = raw(key) else {
            if required { sink.add(field(key), "is required") }
            return nil
        }
        guard case .object(let o) = v else {
            sink.add(field(key), "must be an object, not \(v.typeName)")
            return nil
        }
        return JSONObjectReader(o, path: field(key), sink: sink)
    }

    func array(_ key: String, required: Bool = false, maxCount: Int = 100) -> [JSONValue]? {
        guard let v = raw(key) else {
            if required { sink.add(field(key), "is required") }
            return nil
        }
        guard case .array(let a) = v else {
            sink.add(field(key), "must be an array, not \(v.typeName)")
            return nil
        }
        guard a.count <= maxCount else {
            sink.add(field(key), "must have at most \(maxCount) entries")
            return nil
        }
        return a
    }

    func stringArray(_ key: String, required: Bool = false, maxCount: Int = 50, maxLength: Int = 200) -> [String]? {
        guard let items = array(key, required: required, maxCount: maxCount) else { return nil }
        var result: [String] = []
        for (i, item) in items.enumerated() {
            guard case .string(let s) = item, !s.isEmpty, PlainText.problem(s, max: maxLength) == nil else {
                sink.add("\(field(key))[\(i)]", "must be a non-empty string of at most \(maxLength) characters")
                continue
            }
            result.append(s)
        }
        return result
    }

    /// `[{id: "…"}, …]`, the API's way of naming related things.
    func idReferences(_ key: String, required: Bool = false, maxCount: Int = 100) -> [String]? {
        guard let items = array(key, required: required, maxCount: maxCount) else { return nil }
        var ids: [String] = []
        for (i, item) in items.enumerated() {
            let itemPath = "\(field(key))[\(i)]"
            guard case .object(let o) = item else {
                sink.add(itemPath, "must be an object like {\"id\": \"…\"}")
                continue
            }
            let reader = JSONObjectReader(o, path: itemPath, sink: sink)
            if let id = reader.string("id", required: true, max: 100) {
                // Strivacity's id pattern: a malformed id is a bad request, not an unknown one.
                if Self.isIdShaped(id) {
                    ids.append(id)
                } else {
                    sink.add("\(itemPath).id", "must be an id: 1 to 36 letters, digits or hyphens")
                }
            }
            reader.finish()
        }
        return ids
    }

    /// `^[a-zA-Z0-9-]{1,36}$`, the shape Strivacity's API declares for every id reference.
    static func isIdShaped(_ id: String) -> Bool {
        (1...36).contains(id.utf8.count)
            && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D }
    }

    /// Records every field the call does not know. Call once all known fields were read.
    func finish() {
        for key in values.keys.sorted() where !known.contains(key) {
            sink.add(field(key), "is not a known field")
        }
    }

    /// Throws a 400 listing every field error collected so far (by this and nested readers).
    func validate() throws {
        finish()
        if !sink.errors.isEmpty { throw UsherError.validation(sink.errors) }
    }
}

extension Request {
    /// A query parameter that must parse when present.
    func queryInt(_ name: String, default def: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = query[String.self, at: name] else { return def }
        guard let value = Int(raw), range.contains(value) else {
            throw UsherError.badRequest(
                .requestInvalidQuery,
                "The query parameter '\(name)' must be a whole number between \(range.lowerBound) and \(range.upperBound).",
                fieldErrors: [FieldError(name, "must be between \(range.lowerBound) and \(range.upperBound)")])
        }
        return value
    }

    func queryBool(_ name: String) throws -> Bool? {
        guard let raw = query[String.self, at: name] else { return nil }
        switch raw.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default:
            throw UsherError.badRequest(
                .requestInvalidQuery, "The query parameter '\(name)' must be true or false.",
                fieldErrors: [FieldError(name, "must be true or false")])
        }
    }
}
