import CArgon2
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The work area libargon2 fills on every hash: `m` KiB (19 MiB at OWASP's parameters).
///
/// Taking fresh pages from the kernel for each hash made it 60 % slower here (page faults), and
/// leaving it to malloc kept the area of the first hash of a thread resident for good (glibc
/// does not give back the top of a thread's arena): a third of an idle server's memory. So
/// areas are mapped once, reused by the next hash of the same size, and unmapped when
/// `releaseIdle()` is called (the server's housekeeping sweep does). libargon2 wipes an area
/// before handing it back (its default `clear_internal_memory`), so a kept area holds no
/// password-derived bytes.
public enum Argon2Memory {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var idle: [Int: [UnsafeMutableRawPointer]] = [:]

    /// Unmaps every area no hash is using now; returns how many bytes went back to the system.
    @discardableResult
    public static func releaseIdle() -> Int {
        let areas = lock.withLock {
            let all = idle
            idle = [:]
            return all
        }
        var released = 0
        for (size, pointers) in areas {
            for pointer in pointers {
                munmap(pointer, size)
                released += size
            }
        }
        return released
    }

    /// How many areas of `size` bytes wait for the next hash.
    public static func idleAreas(ofSize size: Int) -> Int { lock.withLock { idle[size]?.count ?? 0 } }

    static let allocate: allocate_fptr = { memory, size in
        guard let memory else { return ARGON2_MEMORY_ALLOCATION_ERROR.rawValue }
        if let reused = lock.withLock({ idle[size]?.popLast() }) {
            memory.pointee = reused.assumingMemoryBound(to: UInt8.self)
            return ARGON2_OK.rawValue
        }
        let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { return ARGON2_MEMORY_ALLOCATION_ERROR.rawValue }
        memory.pointee = mapped.assumingMemoryBound(to: UInt8.self)
        return ARGON2_OK.rawValue
    }

    static let free: deallocate_fptr = { memory, size in
        guard let memory else { return }
        let pointer = UnsafeMutableRawPointer(memory)
        lock.withLock { idle[size, default: []].append(pointer) }
    }
}
