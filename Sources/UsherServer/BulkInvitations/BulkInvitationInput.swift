import CSV
import Foundation
import UsherCore
import Vapor

/// One row of a bulk request before its groups are resolved: the create body it stands for
/// (without `groups`) and the group ids or names it names.
struct BulkParsedRow: Sendable {
    var row: Int
    var email: String
    var fields: [String: JSONValue]
    var groupTokens: [String]
}

/// A bulk request's rows, read from JSON or CSV (SPEC: Bulk). Whole-file problems (not UTF-8,
/// a bad header, unbalanced quotes, too many rows, nothing in it) are thrown; a row's own
/// problems are left for `InvitationRequest.read` to report on that row.
enum BulkInvitationInput {
    static let maxRows = 10_000
    static let profileColumns = ["givenName", "familyName", "displayName", "phoneNumber"]
    static let columns = ["email"] + profileColumns + ["language", "groups"]

    /// The template a console user downloads: the header row with every column, and one example
    /// row (no groups, as a store may have none).
    static var templateCSV: String {
        columns.joined(separator: ",") + "\r\n" + "ada@example.com,Ada,Lovelace,Ada Lovelace,+441234567890,en-US,\r\n"
    }

    static func tooMany(_ count: Int) -> UsherError {
        UsherError(
            status: 413, errorKey: .bulkTooManyRows, title: "Too many rows",
            detail: "A bulk invitation takes at most \(maxRows) rows; this one has \(count)\(count > maxRows ? "" : " or more"). Split it.")
    }

    static func invalid(_ detail: String, field: String = "body") -> UsherError {
        UsherError.badRequest(.bulkInvalidFile, detail, fieldErrors: [FieldError(field, detail)])
    }

    // MARK: JSON

    /// `{clientId | applicationId, language?, groups?, invitations: [{email, metadata?, groups?, language?}]}`.
    static func json(_ data: Data) throws -> [BulkParsedRow] {
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: data) else {
            throw invalid("The body must be a JSON object.")
        }
        let known: Set = ["clientId", "applicationId", "language", "groups", "invitations"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw invalid("Unknown field '\(unknown)'.", field: unknown)
        }
        guard case .array(let items) = object["invitations"] ?? .null else {
            throw invalid("invitations must be an array of {email, metadata?, groups?, language?}.", field: "invitations")
        }
        if items.isEmpty { throw invalid("invitations is empty: nothing to invite.", field: "invitations") }
        if items.count > maxRows { throw tooMany(items.count) }
        let commonGroups = try tokens(object["groups"], field: "groups")
        var rows: [BulkParsedRow] = []
        for (index, item) in items.enumerated() {
            let field = "invitations[\(index)]"
            guard case .object(var fields) = item else { throw invalid("\(field) must be an object.", field: field) }
            let rowGroups = try tokens(fields["groups"], field: "\(field).groups")
            fields["groups"] = nil
            for key in ["clientId", "applicationId"] { fields[key] = object[key] }
            if fields["language"] == nil, let language = object["language"] { fields["language"] = language }
            var email = ""
            if case .string(let s) = fields["email"] ?? .null { email = s }
            rows.append(BulkParsedRow(row: index + 1, email: email, fields: fields, groupTokens: commonGroups + rowGroups))
        }
        return rows
    }

    /// Groups as ids or names: strings, or `{"id": …}` objects as the single create takes them.
    private static func tokens(_ value: JSONValue?, field: String) throws -> [String] {
        guard let value, value != .null else { return [] }
        guard case .array(let items) = value else { throw invalid("\(field) must be an array of group ids or names.", field: field) }
        return try items.map { item in
            switch item {
            case .string(let s): return s
            case .object(let o): if case .string(let s) = o["id"] ?? .null { return s }
            default: break
            }
            throw invalid("\(field) must hold group ids or names.", field: field)
        }
    }

    // MARK: CSV

    /// UTF-8 (optional BOM), RFC 4180, a header row with `email` and any of `columns`.
    static func csv(_ data: Data, clientId: String?, applicationId: String?) throws -> [BulkParsedRow] {
        guard var text = String(data: data, encoding: .utf8) else { throw invalid("The file is not UTF-8 text. Save it as CSV UTF-8.") }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw invalid("The file is empty.") }
        if let line = unbalancedQuoteLine(text) {
            throw invalid("Line \(line): a quoted field is never closed (unbalanced quotes).", field: "line \(line)")
        }
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: false) } catch {
            throw invalid("The file has no header row.")
        }
        let header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let emailColumn = header.firstIndex(of: "email") else {
            throw invalid("The header row has no email column (columns: \(columns.joined(separator: ", "))).", field: "email")
        }
        if let unknown = header.first(where: { !columns.contains($0) }) {
            throw invalid(
                "Unknown column '\(unknown)'. Columns are: \(columns.joined(separator: ", ")).", field: unknown.isEmpty ? "header" : unknown
            )
        }
        if Set(header).count != header.count { throw invalid("A column appears twice in the header row.", field: "header") }
        var rows: [BulkParsedRow] = []
        while let cells = reader.next() {
            if cells.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            if rows.count == maxRows { throw tooMany(maxRows + 1) }
            let number = rows.count + 1
            if cells.count > header.count {
                throw invalid("Row \(number) has \(cells.count) fields; the header row has \(header.count).", field: "row \(number)")
            }
            var value: [String: String] = [:]
            for (i, name) in header.enumerated() where i < cells.count {
                let cell = cells[i].trimmingCharacters(in: .whitespaces)
                if !cell.isEmpty { value[name] = cell }
            }
            var fields: [String: JSONValue] = ["email": .string(value["email"] ?? cells[emailColumn])]
            if let clientId { fields["clientId"] = .string(clientId) }
            if let applicationId { fields["applicationId"] = .string(applicationId) }
            if let language = value["language"] { fields["language"] = .string(language) }
            let metadata = profileColumns.reduce(into: [String: JSONValue]()) { m, name in value[name].map { m[name] = .string($0) } }
            if !metadata.isEmpty { fields["metadata"] = .object(metadata) }
            let groups = (value["groups"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            rows.append(BulkParsedRow(row: number, email: value["email"] ?? "", fields: fields, groupTokens: groups))
        }
        if rows.isEmpty { throw invalid("The file has a header row but no rows.") }
        return rows
    }

    /// The line on which a quoted field opens and is never closed, if one is (RFC 4180: a
    /// doubled quote inside a quoted field toggles twice, so it keeps the balance).
    static func unbalancedQuoteLine(_ text: String) -> Int? {
        var line = 1
        var openedOn: Int?
        for scalar in text.unicodeScalars {
            if scalar == "\"" {
                openedOn = openedOn == nil ? line : nil
            } else if scalar == "\n" {
                line += 1
            }
        }
        return openedOn
    }
}
