import Foundation
import UsherCore
import Vapor

/// Page-based listing in the Strivacity style: `page` from 0, `size` (default 20, at most 200),
/// and the total in the `X-Total-Count` header.
struct PageRequest: Sendable {
    var page: Int
    var size: Int
    var offset: Int { page * size }

    static func from(_ request: Request) throws -> PageRequest {
        PageRequest(
            page: try request.queryInt("page", default: 0, range: 0...1_000_000),
            size: try request.queryInt("size", default: 20, range: 1...200))
    }
}

struct SortOrder: Sendable {
    var field: String
    var ascending: Bool

    /// Parses `sort=field,asc|desc`, refusing fields not in `allowed`.
    static func from(_ request: Request, allowed: [String], default def: SortOrder) throws -> SortOrder {
        guard let raw = request.query[String.self, at: "sort"], !raw.isEmpty else { return def }
        let parts = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let field = parts.first, allowed.contains(field), parts.count <= 2 else {
            throw UsherError.badRequest(
                .requestInvalidQuery, "sort must be one of \(allowed.joined(separator: ", ")), optionally followed by ,asc or ,desc.",
                fieldErrors: [FieldError("sort", "unknown sort field")])
        }
        let direction = parts.count == 2 ? parts[1].lowercased() : "asc"
        guard direction == "asc" || direction == "desc" else {
            throw UsherError.badRequest(
                .requestInvalidQuery, "The sort direction must be asc or desc.",
                fieldErrors: [FieldError("sort", "direction must be asc or desc")])
        }
        return SortOrder(field: field, ascending: direction == "asc")
    }
}

/// A listed page: the items, and how many there are in all — or nil when there are more than
/// `countCap`, where counting them on every page would cost more than the page itself.
struct Listing<Item: Content>: Sendable {
    static var countCap: Int { 10_000 }

    var items: [Item]
    var total: Int?
    /// Known from one row fetched past the page; otherwise worked out from the total.
    var knownHasNext: Bool?
    /// Where the next page starts, for lists that page by keyset (`after=`).
    var nextCursor: String?
    /// This page was asked for by cursor: the next link carries `after`, not a page number.
    var pagedByCursor = false

    init(items: [Item], total: Int?, hasNext: Bool? = nil) {
        self.items = items
        self.total = total
        self.knownHasNext = hasNext
    }

    func hasNext(after page: PageRequest) -> Bool {
        if let knownHasNext { return knownHasNext }
        guard let total else { return false }
        return page.page < max(0, (total - 1) / page.size)
    }

    /// `X-Total-Count` when the total is known (`X-Total-Count-At-Least` when it is above the
    /// cap), and RFC 8288 `Link` headers to the next and previous pages.
    func response(for request: Request, page: PageRequest) throws -> Response {
        let response = Response(status: .ok)
        try response.content.encode(items, as: .json)
        if let total {
            response.headers.replaceOrAdd(name: "X-Total-Count", value: String(total))
        } else {
            response.headers.replaceOrAdd(name: "X-Total-Count-At-Least", value: String(Self.countCap + 1))
        }
        if let nextCursor { response.headers.replaceOrAdd(name: "X-Next-Cursor", value: nextCursor) }
        var links: [String] = []
        var components = URLComponents(string: request.url.string) ?? URLComponents()
        func link(_ name: String, _ value: String, _ rel: String) {
            var items = (components.queryItems ?? []).filter { $0.name != name }
            items.append(URLQueryItem(name: name, value: value))
            components.queryItems = items
            links.append("<\(components.string ?? "")>; rel=\"\(rel)\"")
        }
        // A client that pages by cursor keeps doing so; one that pages by number keeps numbers.
        if pagedByCursor {
            if let nextCursor { link("after", nextCursor, "next") }
        } else {
            if hasNext(after: page) { link("page", String(page.page + 1), "next") }
            if page.page > 0 { link("page", String(page.page - 1), "prev") }
        }
        if !links.isEmpty { response.headers.replaceOrAdd(name: "Link", value: links.joined(separator: ", ")) }
        return response
    }
}
