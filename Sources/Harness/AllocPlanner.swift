import CFlamegateBPF
import Foundation
import Model
import Probes

/// Decides, before the target starts, what the alloc probe attaches to: the
/// target's libc is mapped only after exec, but uprobes attach by file, so
/// the allocator library the loader will pick is found from the executable's
/// DT_NEEDED entries (followed through the libraries it needs), LD_PRELOAD
/// and the loader's search path. Sampled mode preloads the shim unless the
/// loader would ignore LD_PRELOAD (a static or setuid program) or the
/// program brings its own malloc; then every call is traced instead.
enum AllocPlanner {
    static func plan(_ settings: AllocSettings, launch: LaunchSpec) throws -> AllocPlan {
        let environment = launch.environment ?? ProcessInfo.processInfo.environment
        let executable = try HeldProcess.resolve(launch.command.first ?? "", cwd: launch.workingDirectory,
                                                 environment: launch.environment)
        let program = ExecutableInfo(path: executable)
        if program.dynamic == false, !program.definesMalloc {
            throw ProbeError.unavailable("alloc: \(executable) is statically linked and has no malloc symbol "
                + "(stripped): nothing to attach to")
        }
        var notes: [String] = []
        if settings.sampleEvery > 1 {
            if let why = program.preloadIgnored {
                notes.append("sampled mode unavailable: \(why); every allocation is traced with uprobes instead")
            } else {
                return AllocPlan(mode: .sampled(preload: try AllocPreload.install(), sampleEvery: settings.sampleEvery),
                                 library: settings.library)
            }
        }
        var functions: [AllocPlan.Function] = []
        for set in AllocatorSymbols.sets(for: settings.library) {
            let path = program.definesMalloc ? executable
                : try LibrarySearch(program: program, environment: environment).find(set.module, library: settings.library)
            for f in try resolve(set.functions, in: path, library: settings.library)
            where !functions.contains(where: { $0.path == f.path && $0.offset == f.offset }) {
                functions.append(f)
            }
        }
        if program.definesMalloc { notes.append("\(executable) defines malloc itself: its own functions are traced") }
        return AllocPlan(mode: .exact(functions), library: settings.library, notes: notes)
    }

    /// The target's environment with what the plan needs in it (the shim).
    static func launchSpec(_ launch: LaunchSpec, probes: [Probe]) -> LaunchSpec {
        guard let alloc = probes.lazy.compactMap({ $0 as? AllocProbe }).first else { return launch }
        var spec = launch
        spec.environment = alloc.plan.environment(adding: launch.environment ?? ProcessInfo.processInfo.environment)
        return spec
    }

    /// The functions of `functions` that `path` defines, one per address.
    static func resolve(_ functions: [AllocatorSymbols.Function], in path: String,
                        library: String) throws -> [AllocPlan.Function] {
        let names = functions.map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        var offsets = [UInt64](repeating: 0, count: functions.count)
        let result = names.map { UnsafePointer<CChar>($0) }.withUnsafeBufferPointer {
            fg_alloc__resolve(path, $0.baseAddress, functions.count, &offsets)
        }
        try ProbeError.check(result, "alloc.library \(library): reading the symbols of \(path)", libbpfLog: false)
        var out: [AllocPlan.Function] = []
        for (f, offset) in zip(functions, offsets) where offset != 0 && !out.contains(where: { $0.offset == offset }) {
            out.append(AllocPlan.Function(path: path, offset: offset, name: f.name, call: f.call))
        }
        guard out.contains(where: { $0.call != .free }) else {
            throw ProbeError.unavailable("alloc.library \(library): \(path) defines none of "
                + functions.prefix(4).map(\.name).joined(separator: ", ") + ", … (stripped, or not this allocator)")
        }
        return out
    }
}

/// What the loader will do with an executable.
struct ExecutableInfo {
    let path: String
    /// nil for a file that is not ELF (a script: its interpreter is dynamic).
    let dynamic: Bool?
    let needed: [String]
    let runpath: [String]
    let setuid: Bool
    /// A static program, or one with its own allocator: its malloc is in the executable.
    let definesMalloc: Bool

    init(path: String) {
        self.path = path
        var dynamic: Int32 = 0
        var needed = [CChar](repeating: 0, count: 8192), runpath = [CChar](repeating: 0, count: 4096)
        if fg_alloc__dynamic_info(path, &dynamic, &needed, needed.count, &runpath, runpath.count) == 0 {
            self.dynamic = dynamic != 0
            self.needed = Self.lines(needed)
            self.runpath = Self.lines(runpath).flatMap { $0.split(separator: ":").map(String.init) }
        } else {
            self.dynamic = nil
            self.needed = []
            self.runpath = []
        }
        var info = stat()
        setuid = stat(path, &info) == 0 && info.st_mode & (S_ISUID | S_ISGID) != 0
        var offset: UInt64 = 0
        let name = strdup("malloc")
        defer { free(name) }
        var names = [UnsafePointer<CChar>(name)]
        definesMalloc = self.dynamic != nil && fg_alloc__resolve(path, &names, 1, &offset) == 0 && offset != 0
    }

    /// Why the loader would not preload the shim into it; nil when it would.
    var preloadIgnored: String? {
        if dynamic == false { return "\(path) is statically linked" }
        if setuid { return "\(path) is setuid or setgid (the loader ignores LD_PRELOAD)" }
        if definesMalloc { return "\(path) defines malloc itself" }
        return nil
    }

    private static func lines(_ buffer: [CChar]) -> [String] {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .split(separator: "\n").map(String.init)
    }
}

/// Finds a library the way the loader would: LD_PRELOAD and the DT_NEEDED
/// entries (of the executable and, transitively, of what it needs), each in
/// LD_LIBRARY_PATH, DT_RUNPATH, /etc/ld.so.conf.d and the system directories.
struct LibrarySearch {
    let program: ExecutableInfo
    let environment: [String: String]

    func find(_ module: String, library: String) throws -> String {
        var queue = (environment["LD_PRELOAD"] ?? "").split(whereSeparator: { $0 == ":" || $0 == " " }).map(String.init)
            + program.needed
        var seen = Set<String>()
        while !queue.isEmpty {
            let name = queue.removeFirst()
            guard seen.insert(name).inserted, let path = locate(name) else { continue }
            if (name as NSString).lastPathComponent.hasPrefix(module) { return path }
            queue += ExecutableInfo(path: path).needed
        }
        // every dynamic program loads libc, even one run through a script
        if module.hasPrefix("libc.so"), let path = locate(module) { return path }
        throw ProbeError.unavailable("alloc.library \(library): \(program.path) does not load \(module)* (needs: "
            + (program.needed.isEmpty ? "nothing" : program.needed.joined(separator: ", "))
            + "; LD_PRELOAD: \(environment["LD_PRELOAD"] ?? "unset")); pick the allocator it uses")
    }

    /// The path the loader would open for a DT_NEEDED name.
    func locate(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.fileExists(atPath: name) ? name : nil }
        let origin = (program.path as NSString).deletingLastPathComponent
        let dirs = (environment["LD_LIBRARY_PATH"] ?? "").split(separator: ":").map(String.init)
            + program.runpath.map { $0.replacingOccurrences(of: "$ORIGIN", with: origin) }
            + Self.systemDirectories
        return dirs.lazy.map { "\($0)/\(name)" }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// /etc/ld.so.conf.d's directories, then the directory of the libc this
    /// process runs with, then the usual ones.
    static let systemDirectories: [String] = {
        var dirs: [String] = []
        let conf = "/etc/ld.so.conf.d"
        for file in ((try? FileManager.default.contentsOfDirectory(atPath: conf)) ?? []).sorted()
        where file.hasSuffix(".conf") {
            let text = (try? String(contentsOfFile: "\(conf)/\(file)", encoding: .utf8)) ?? ""
            dirs += text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0.hasPrefix("/") }
        }
        let maps = (try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8)) ?? ""
        if let line = maps.split(separator: "\n").first(where: { $0.hasSuffix("/libc.so.6") }),
           let slash = line.firstIndex(of: "/") {
            dirs.append((String(line[slash...]) as NSString).deletingLastPathComponent)
        }
        return dirs + ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                       "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib"]
    }()
}
