import Files
import Foundation

/// Keeps every process a target starts from outliving flamegate.
///
/// Each target is moved, while it is still held before execve, into a cgroup
/// v2 leaf of its own (`flamegate-PID/tN` under flamegate's own cgroup): every
/// descendant inherits it, even one that calls setsid or double-forks, and
/// writing `cgroup.kill` ends all of them at once. Where no cgroup v2
/// hierarchy can be written (none mounted, not root), the target's process
/// group is recorded instead in `$TMPDIR/flamegate-targets-PID` with its start
/// time, so a later flamegate can tell it from a recycled pid.
///
/// A flamegate that is killed (SIGKILL, a crash) cannot clean up; the next
/// flamegate command does, in `cleanStale()`: it kills what is left in the
/// cgroups and process groups of flamegate processes that are gone.
public final class Containment: @unchecked Sendable {
    public static let shared = Containment()

    private let lock = NSLock()
    private var base: String??
    private var group: String?
    private var sequence = 0
    private var exitHookInstalled = false
    private var registryWritten = false
    private var roots: [Int32: String?] = [:]  // held target → its leaf cgroup
    private var registry: String { FileManager.default.temporaryDirectory.appendingPathComponent("flamegate-targets-\(getpid())").path }

    /// The directory where flamegate's cgroups go: flamegate's own cgroup in
    /// the v2 hierarchy; nil when there is none or it cannot be written.
    static func cgroupBase() -> String? {
        guard let mounts = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8),
              let own = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else { return nil }
        // "36 25 0:31 / /sys/fs/cgroup/unified rw,… - cgroup2 cgroup2 rw"
        guard let mount = mounts.split(separator: "\n").lazy.compactMap({ line -> String? in
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2, halves[1].hasPrefix("cgroup2 ") else { return nil }
            let fields = halves[0].split(separator: " ")
            return fields.count > 4 && fields[3] == "/" ? String(fields[4]) : nil
        }).first else { return nil }
        guard let line = own.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) else { return nil }
        let path = mount + String(line.dropFirst(3))
        return access(path, W_OK) == 0 ? (path.hasSuffix("/") ? String(path.dropLast()) : path) : nil
    }

    /// Moves the held target `pid` into a cgroup leaf of its own (or records
    /// its process group). Call before releasing it.
    public func adopt(_ pid: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if base == nil { base = Self.cgroupBase() }
        var leaf: String?
        if let parent = base ?? nil {
            if group == nil {
                let path = "\(parent)/flamegate-\(getpid())"
                if mkdir(path, 0o755) == 0 || errno == EEXIST { group = path }
            }
            if let group {
                sequence += 1
                let path = "\(group)/t\(sequence)"
                if mkdir(path, 0o755) == 0, Self.write("\(pid)\n", to: "\(path)/cgroup.procs") {
                    leaf = path
                } else {
                    rmdir(path)
                }
            }
        }
        if !exitHookInstalled {
            exitHookInstalled = true
            atexit { Containment.shared.finish() }
        }
        roots[pid] = leaf
        if leaf == nil { saveRegistry() }
    }

    /// The target `pid` finished and its tree was killed: whatever is still
    /// in its cgroup leaf (a process the tracker could not see) is killed,
    /// and the leaf removed.
    public func release(_ pid: Int32) {
        lock.lock()
        let leaf = roots.removeValue(forKey: pid) ?? nil
        if leaf == nil { saveRegistry() }
        lock.unlock()
        if let leaf { Self.killAndRemove(leaf) }
    }

    /// Kills every target tree now (a second Ctrl-C, a fatal error): their
    /// process groups and their cgroups.
    public func killAll() {
        lock.lock()
        let all = roots
        lock.unlock()
        for (pid, leaf) in all {
            Recorder.killTree(pid, [pid])
            if let leaf { _ = Self.write("1", to: "\(leaf)/cgroup.kill") }
        }
    }

    /// Removes the cgroup and the registry of this process (at the end of a command).
    public func finish() {
        killAll()
        lock.lock()
        let leaves = roots.values.compactMap { $0 }
        roots = [:]
        let group = self.group
        self.group = nil
        lock.unlock()
        for leaf in leaves { Self.killAndRemove(leaf) }
        if let group { rmdir(group) }
        if registryWritten { unlink(registry) }
    }

    /// Kills what flamegate processes that are gone left running, and
    /// removes their cgroups and registries; returns how many processes it killed.
    @discardableResult
    public static func cleanStale(temporary: URL = FileManager.default.temporaryDirectory) -> Int {
        var killed = 0
        if let parent = cgroupBase(), let names = try? FileManager.default.contentsOfDirectory(atPath: parent) {
            for name in names {
                guard deadOwner(name, prefix: "flamegate-") != nil else { continue }
                let group = "\(parent)/\(name)"
                for leaf in (try? FileManager.default.contentsOfDirectory(atPath: group)) ?? [] where leaf.hasPrefix("t") {
                    killed += processes(in: "\(group)/\(leaf)").count
                    killAndRemove("\(group)/\(leaf)")
                }
                rmdir(group)
            }
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? [] {
            guard deadOwner(name, prefix: "flamegate-targets-") != nil else { continue }
            let path = temporary.appendingPathComponent(name).path
            for line in ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count == 2, let root = Int32(fields[0]), root > 1, let start = UInt64(fields[1]) else { continue }
                // a live process with that pid but another start time is not
                // ours; a gone leader's group id cannot have been reused while
                // its group still has members
                if let now = startTime(root), now != start { continue }
                kill(-root, SIGKILL)
                kill(root, SIGKILL)
                killed += 1
            }
            unlink(path)
        }
        return killed
    }

    /// The pid in `NAME` = PREFIX + pid, when that process is gone.
    static func deadOwner(_ name: String, prefix: String) -> Int32? {
        guard name.hasPrefix(prefix), let pid = Int32(name.dropFirst(prefix.count)), pid > 0, pid != getpid(),
              kill(pid, 0) != 0, errno == ESRCH else { return nil }
        return pid
    }

    /// Writes `1` to the leaf's cgroup.kill (or SIGKILLs its processes on a
    /// kernel before 5.14), waits up to a second for it to empty, removes it.
    static func killAndRemove(_ leaf: String) {
        if !write("1", to: "\(leaf)/cgroup.kill") {
            for pid in processes(in: leaf) { kill(pid, SIGKILL) }
        }
        let deadline = Date().addingTimeInterval(1)
        while rmdir(leaf) != 0, errno == EBUSY, Date() < deadline {
            for pid in processes(in: leaf) { kill(pid, SIGKILL) }
            usleep(5_000)
        }
    }

    static func processes(in cgroup: String) -> [Int32] {
        ((try? String(contentsOfFile: "\(cgroup)/cgroup.procs", encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { Int32($0) }
    }

    /// Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot.
    static func startTime(_ pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    static func write(_ text: String, to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return text.withCString { Glibc.write(fd, $0, strlen($0)) } == text.utf8.count
    }

    /// Rewrites the registry of targets held outside any cgroup ("pid
    /// starttime" per line); removes it when there is none.
    private func saveRegistry() {
        let lines = roots.filter { $0.value == nil }.keys.compactMap { pid in Self.startTime(pid).map { "\(pid) \($0)\n" } }
        if lines.isEmpty {
            if registryWritten { unlink(registry) }
            registryWritten = false
        } else {
            registryWritten = (try? SafeFile.write(lines.joined(), to: registry, durable: false)) != nil
        }
    }
}
