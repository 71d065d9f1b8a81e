import Testing
@testable import UsherServer
