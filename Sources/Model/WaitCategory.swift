/// What a blocked thread was waiting for, from its off-CPU stack and state:
/// the categories the waiting detector compares with the baseline.
public enum WaitCategory: String, Codable, Sendable, CaseIterable {
    /// futexes: mutexes, condition variables, semaphores, rwlocks
    case lock
    /// another thread's end (pthread_join): waiting for a thread, not
    /// contending for a lock
    case join
    /// block I/O: fsync, page cache writeback, reads from disk
    case io
    /// sockets: receive, accept, connect
    case network
    /// timed sleeps (nanosleep, clock_nanosleep)
    case sleep
    /// ready to run, waiting for a CPU (preempted)
    case runnable
    case other

    /// The metric that carries a run's seconds of this category.
    public var metricID: String { "offcpu.\(rawValue)_wait" }

    static let ioFrames: Set<String> = [
        "io_schedule", "io_schedule_timeout", "folio_wait_bit_common", "folio_wait_writeback", "submit_bio_wait",
        "blk_mq_get_tag", "jbd2_log_wait_commit", "jbd2_complete_transaction", "file_write_and_wait_range",
        "ext4_sync_file", "xfs_file_fsync", "btrfs_sync_file", "__x64_sys_fsync", "__x64_sys_fdatasync",
        "fsync", "fdatasync", "__libc_fsync", "__libc_fdatasync", "wait_on_page_bit_common", "bit_wait_io",
    ]
    static let lockFrames: Set<String> = [
        "pthread_mutex_lock", "__pthread_mutex_lock", "__lll_lock_wait", "__lll_lock_wait_private",
        "pthread_cond_wait", "__pthread_cond_wait", "pthread_cond_timedwait", "__pthread_cond_timedwait",
        "pthread_cond_clockwait", "pthread_rwlock_rdlock", "pthread_rwlock_wrlock", "sem_wait", "__new_sem_wait",
        "__futex_abstimed_wait_common", "sem_timedwait", "sem_clockwait", "__new_sem_wait_slow64", "__new_sem_wait_slow",
    ]
    /// Lock-category primitives that wait for a signal (a condition variable,
    /// a semaphore), not for a mutex to be released.
    public static let signalWaits: Set<String> = [
        "pthread_cond_wait", "__pthread_cond_wait", "pthread_cond_timedwait", "__pthread_cond_timedwait",
        "pthread_cond_clockwait", "sem_wait", "__new_sem_wait", "sem_timedwait", "sem_clockwait",
        "__new_sem_wait_slow64", "__new_sem_wait_slow",
    ]
    static let joinFrames: Set<String> = [
        "pthread_join", "__pthread_join", "__pthread_clockjoin_ex", "pthread_timedjoin_np", "__pthread_timedjoin_np",
        "pthread_clockjoin_np", "__pthread_clockjoin_np", "pthread_tryjoin_np",
    ]
    static let networkFrames: Set<String> = [
        "sk_wait_data", "inet_csk_accept", "tcp_recvmsg", "tcp_recvmsg_locked", "unix_stream_read_generic",
        "__sys_recvfrom", "__sys_accept4", "__sys_connect", "inet_wait_for_connect", "sock_recvmsg",
        "recv", "recvfrom", "accept", "accept4", "connect", "__libc_recv", "__libc_recvfrom",
    ]
    static let sleepFrames: Set<String> = [
        "do_nanosleep", "hrtimer_nanosleep", "__x64_sys_nanosleep", "__x64_sys_clock_nanosleep", "nanosleep",
        "__nanosleep", "clock_nanosleep", "__clock_nanosleep",
    ]

    /// Frames without a version suffix (`pthread_mutex_lock@@GLIBC_2.2.5`).
    public static func base(_ name: String) -> Substring {
        name.split(separator: "@", maxSplits: 1).first ?? Substring(name)
    }

    /// Classifies one off-CPU stack (frames root → leaf, markers included).
    public static func classify(frames: [String], state: String?) -> WaitCategory {
        if state == "runnable" { return .runnable }
        let names = Set(frames.map { String(base($0)) })
        if state == "uninterruptible" || !names.isDisjoint(with: ioFrames) { return .io }
        if !names.isDisjoint(with: joinFrames) { return .join }
        if !names.isDisjoint(with: lockFrames) { return .lock }
        if !names.isDisjoint(with: networkFrames) { return .network }
        if !names.isDisjoint(with: sleepFrames) { return .sleep }
        return .other
    }

    /// Primitives of the category, whose caller is the wait's "site".
    public var primitives: Set<String> {
        switch self {
        case .io: return Self.ioFrames.union(["write", "__libc_write", "pwrite64", "__libc_pwrite64", "read",
                                              "__libc_read", "pread64", "__libc_pread64", "sync_file_range"])
        case .lock: return Self.lockFrames.union(["__lll_lock_wake", "futex_wait", "__futex_wait"])
        case .join: return Self.joinFrames
        case .network: return Self.networkFrames
        case .sleep: return Self.sleepFrames
        case .runnable, .other: return []
        }
    }

    /// The function that waited: the frame just above the first primitive of
    /// the category (root → leaf order), e.g. `take_lock` above
    /// `pthread_mutex_lock`, `write_record` above `fsync`.
    public func site(in frames: [String]) -> (site: String, path: [String])? {
        let primitives = self.primitives
        guard let first = frames.firstIndex(where: { primitives.contains(String(Self.base($0))) }), first > 1 else {
            return nil
        }
        // a script's function (Python, JavaScript) that reached the wait through its interpreter
        let script = frames[1..<first].last(where: Frame.looksLikeScriptFrame)
        return (script ?? frames[first - 1], Array(frames[1...first]))
    }
}

extension Profile {
    /// Off-CPU seconds per wait category (an offcpu profile, in nanoseconds).
    public func waitSeconds() -> [WaitCategory: Double] {
        var out: [WaitCategory: Double] = [:]
        for s in samples {
            let names = s.frames.map { frames[$0].name }
            out[WaitCategory.classify(frames: names, state: offCPUState(of: s)), default: 0] += Double(s.value) / 1e9
        }
        return out
    }
}
