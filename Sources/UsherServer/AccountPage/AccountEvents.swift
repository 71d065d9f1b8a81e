import Fluent
import Foundation
import UsherCore

extension EventLog {
    /// An `account.*` event of customer self-service (issue 23), with `data` the account as the
    /// admin API shows it now, read inside the change's transaction (nothing when it is gone).
    static func account(_ type: EventType, id: UUID, on tx: any Database, at: Date) async throws {
        guard let account = try await AccountModel.find(id, on: tx) else { return }
        let view = try await AccountService(db: tx, passwords: nil).view(account)
        try await append(on: tx, type, store: account.store, subjectId: view.id, data: view, at: at)
    }
}
