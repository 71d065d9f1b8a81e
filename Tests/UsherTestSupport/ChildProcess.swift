import Glibc

/// A helper program the tests run (python3 with aiosmtpd or argon2-cffi), started with
/// `posix_spawn` rather than Foundation's `Process`.
///
/// Why not `Process`: on Linux, `Process.run()` of swift-corelibs-foundation as shipped with
/// Swift 6.3.1 finds the highest open descriptor by reading `/proc/self/fd` and copies each
/// entry's whole `d_name[256]` out of the `dirent` that `readdir` returned. glibc sizes those
/// records to the name (`d_reclen`, some 24 bytes for "12"), so a record at the end of
/// readdir's buffer followed by an unmapped page makes the copy read past it: the test process
/// dies with SIGSEGV now and then, more often when tests start processes concurrently.
/// Fixed upstream by swift-corelibs-foundation PR #5472 (commit 81eb85a), not in 6.3.1.
///
/// Here glibc's `posix_spawn` starts the child and closes every other descriptor in the child
/// (`posix_spawn_file_actions_addclosefrom_np`, close_range(2) underneath), so no
/// descriptor is enumerated in Swift and a pipe of one test never leaks into another test's
/// child (a leaked write end would keep a reader waiting for an end of file).
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    /// The write end of the child's standard input, when asked for; closing it is the child's
    /// end of file.
    public private(set) var standardInput: Int32?
    /// The read end of the child's standard output.
    public let standardOutput: Int32
    /// The child's standard error goes to an unlinked temporary file: it never fills a pipe
    /// nobody reads, and it can be read after the child has ended.
    private let standardErrorFile: Int32

    private let lock = Mutex()
    private var exitStatus: Int32?

    private init(pid: pid_t, standardInput: Int32?, standardOutput: Int32, standardErrorFile: Int32) {
        self.pid = pid
        self.standardInput = standardInput
        self.standardOutput = standardOutput
        self.standardErrorFile = standardErrorFile
    }

    deinit {
        closeStandardInput()
        close(standardOutput)
        close(standardErrorFile)
    }

    /// Starts `executable` with `arguments` (after argv[0]) and this process's environment.
    /// Standard input is a pipe when `standardInputPipe`, else /dev/null.
    public static func launch(
        _ arguments: [String], executable: String = "/usr/bin/env", standardInputPipe: Bool = false
    ) throws -> ChildProcess {
        let input = standardInputPipe ? try makePipe() : nil
        let output = try makePipe()
        let errorFile = try makeTemporaryFile()

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input {
            posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errorFile, 2)
        try check(addCloseFrom(&actions, 3), "posix_spawn_file_actions_addclosefrom_np")

        // An empty signal mask and SIGPIPE's default action: the child must not inherit the
        // test runner's (a blocked SIGTERM, an ignored SIGPIPE).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigaddset(&signals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        if let input { close(input.read) }
        close(output.write)
        guard spawned == 0 else {
            if let input { close(input.write) }
            close(output.read)
            close(errorFile)
            throw ChildProcessError("could not start \(executable): \(String(cString: strerror(spawned)))")
        }
        return ChildProcess(pid: pid, standardInput: input?.write, standardOutput: output.read, standardErrorFile: errorFile)
    }

    /// Runs `executable arguments…` to its end: its exit status, standard output and error.
    public static func run(_ arguments: [String], executable: String = "/usr/bin/env") throws -> Finished {
        let child = try launch(arguments, executable: executable)
        let output = child.readStandardOutputToEnd()
        let status = child.waitUntilExit()
        return Finished(status: status, standardOutput: output, standardError: child.standardError())
    }

    public struct Finished: Sendable {
        /// The exit code, or 128 + the signal's number when a signal ended the child.
        public let status: Int32
        public let standardOutput: [UInt8]
        public let standardError: [UInt8]
    }

    /// Reads standard output up to its end of file (the child exits or closes it).
    public func readStandardOutputToEnd() -> [UInt8] {
        var data: [UInt8] = []
        while let chunk = readStandardOutput() { data += chunk }
        return data
    }

    /// The next bytes of standard output, nil at its end of file.
    public func readStandardOutput() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(standardOutput, $0.baseAddress, $0.count) }
            if count > 0 { return Array(buffer[..<count]) }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// What the child wrote to standard error so far.
    public func standardError() -> [UInt8] {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(standardErrorFile, $0.baseAddress, $0.count, offset) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return data }
            data += buffer[..<count]
            offset += off_t(count)
        }
    }

    public func closeStandardInput() {
        lock.withLock {
            if let standardInput { close(standardInput) }
            standardInput = nil
        }
    }

    /// Whether the child has not ended yet (reaping it if it has).
    public var isRunning: Bool {
        lock.withLock {
            if exitStatus != nil { return false }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return true }
            exitStatus = Self.decode(status)
            return false
        }
    }

    /// Ends the child with SIGKILL (nothing to clean up in a test helper) and waits for it.
    public func terminate() {
        if isRunning { kill(pid, SIGKILL) }
        _ = waitUntilExit()
    }

    /// Waits for the child's end: the exit code, or 128 + the signal's number.
    @discardableResult
    public func waitUntilExit() -> Int32 {
        lock.withLock {
            if let exitStatus { return exitStatus }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let decoded = Self.decode(status)
            exitStatus = decoded
            return decoded
        }
    }

    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        try check(pipe(&ends) == 0 ? 0 : errno, "pipe")
        // Close-on-exec for any other way a child is started; posix_spawn's own children
        // get only the descriptors dup2'd above.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    private static func makeTemporaryFile() throws -> Int32 {
        var template = Array("/tmp/usher-test-stderr-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        try check(fd >= 0 ? 0 : errno, "mkstemp")
        unlink(template)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    private static func check(_ result: Int32, _ call: String) throws {
        guard result == 0 else { throw ChildProcessError("\(call): \(String(cString: strerror(result)))") }
    }

    /// glibc (2.34 and later) has `posix_spawn_file_actions_addclosefrom_np`, but Swift's Glibc
    /// module leaves out its GNU extensions; it is looked up by name once.
    private static let addCloseFrom: AddCloseFrom = {
        typealias Function = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else {
            return { _, _ in ENOSYS }
        }
        let function = unsafeBitCast(symbol, to: Function.self)
        return { function($0, $1) }
    }()
    private typealias AddCloseFrom = @Sendable (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
}

public struct ChildProcessError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A pthread mutex: the child's state is read from test threads and Dispatch's.
private final class Mutex: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
