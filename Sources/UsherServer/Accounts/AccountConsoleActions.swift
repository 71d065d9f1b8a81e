import Foundation
import UsherCore
import Vapor

/// The console's buttons on one account (issue 23): **Send password reset email** and **Sign out
/// everywhere**, the same service functions as `POST …/accounts/{id}/passwordReset` and
/// `…/signOut`. ConsoleGuard checks the administrator's session and the form's CSRF token.
struct AccountConsoleActions: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let account = routes.grouped("admin").grouped(ConsoleGuard()).grouped("accounts", ":store", ":id")
        account.post("password-reset", use: passwordReset)
        account.post("sign-out", use: signOut)
    }

    /// What the account's page says after each action (`?done=`).
    static let notices = [
        "passwordReset": "Password reset email queued. The link in it works once, for 30 minutes.",
        "signedOut": "Signed out everywhere: every session ended and every refresh token revoked.",
    ]

    func passwordReset(_ req: Request) async throws -> Response {
        let store = try req.storeName()
        let id = try req.uuidParameter("id").idString
        do {
            try await AccountService(db: req.db, passwords: nil).sendPasswordReset(
                store: store, id: id, by: try req.consoleActor, context: req.usher)
        } catch let error as UsherError where error.status == 400 {
            return Response.seeOther(
                "/admin/accounts/\(store)/\(id)?failed=" + (error.detail.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            )
        }
        return Response.seeOther("/admin/accounts/\(store)/\(id)?done=passwordReset")
    }

    func signOut(_ req: Request) async throws -> Response {
        let store = try req.storeName()
        let id = try req.uuidParameter("id").idString
        try await AccountService(db: req.db, passwords: nil).signOutEverywhere(store: store, id: id, by: try req.consoleActor)
        return Response.seeOther("/admin/accounts/\(store)/\(id)?done=signedOut")
    }
}
