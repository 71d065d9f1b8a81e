import Fluent
import Foundation
import UsherCore
import Vapor

/// The languages the customer pages and their emails are written in (issue 22 item 5, issue 23).
/// A closed set: every case has a full `PageStrings`, so no page shows a half-translated mix.
/// Any other tag falls back to its language's case, then to English.
enum PageLanguage: String, CaseIterable, Sendable {
    case english = "en-US"
    case german = "de-DE"
    case french = "fr-FR"
    case spanish = "es-ES"
    case hungarian = "hu-HU"

    /// The case for a BCP 47 tag by its primary language subtag (`de`, `de-AT`, `de-DE` → German),
    /// nil for a language without one.
    init?(tag: String) {
        let primary = tag.split(separator: "-").first.map { $0.lowercased() } ?? ""
        guard let match = Self.allCases.first(where: { $0.rawValue.split(separator: "-")[0].lowercased() == primary }) else {
            return nil
        }
        self = match
    }

    /// The invitation's (or account's) language when it has one of ours, else English.
    static func forTag(_ tag: String?) -> PageLanguage { tag.flatMap(PageLanguage.init(tag:)) ?? .english }

    /// The first of `Accept-Language`'s ranges, by quality, that names one of ours.
    static func preferred(acceptLanguage header: String?) -> PageLanguage? {
        guard let header else { return nil }
        let ranges: [(tag: String, quality: Double)] = header.split(separator: ",").enumerated().compactMap { index, part in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty, tag != "*" else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            // A stable sort: equal qualities keep the header's order.
            return (tag, quality - Double(index) * 1e-6)
        }
        return ranges.filter { $0.quality > 0 }.sorted { $0.quality > $1.quality }.lazy.compactMap { PageLanguage(tag: $0.tag) }.first
    }

    var strings: PageStrings {
        switch self {
        case .english: .english
        case .german: .german
        case .french: .french
        case .spanish: .spanish
        case .hungarian: .hungarian
        }
    }
}

extension Request {
    private struct PageLanguageKey: StorageKey { typealias Value = PageLanguage }

    /// The language of the customer pages this request shows: the one a handler chose from the
    /// invitation or the account (so an error page thrown later speaks it too), else the
    /// browser's `Accept-Language`, else English.
    var pageLanguage: PageLanguage {
        get {
            storage[PageLanguageKey.self] ?? PageLanguage.preferred(acceptLanguage: headers.first(name: .acceptLanguage)) ?? .english
        }
        set { storage[PageLanguageKey.self] = newValue }
    }

    /// Chooses the pages' language from an invitation's or account's tag; without one, the
    /// browser's stays.
    func choosePageLanguage(_ tag: String?) {
        guard let tag, let language = PageLanguage(tag: tag) else {
            if tag != nil { pageLanguage = .english }
            return
        }
        pageLanguage = language
    }
}

extension PageLanguage {
    /// The language an account's pages and emails speak: its profile's `locale`, else the
    /// language of the invitation it accepted; nil when neither says (then the browser's, or
    /// English for an email).
    static func tag(of account: AccountModel, on db: any Database) async throws -> String? {
        if let locale = ownTag(account.locale) { return locale }
        guard let invitationId = account.invitationId else { return nil }
        return try await InvitationModel.find(invitationId, on: db)?.language
    }

    /// The same language for an account a sign-up is making from `invitation` with `profile`,
    /// before its row exists (its first emails go in that transaction).
    static func tag(signingUpWith profile: Profile, invitation: InvitationModel) -> String {
        ownTag(profile.locale) ?? invitation.language
    }

    private static func ownTag(_ locale: String?) -> String? {
        guard let locale, !locale.isEmpty else { return nil }
        return locale
    }
}
