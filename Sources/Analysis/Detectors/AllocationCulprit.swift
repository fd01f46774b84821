import Model

/// Who an allocation path's memory is charged to: its allocating function —
/// for a script, the innermost function of the script (Python, JavaScript)
/// rather than the interpreter's function that called malloc — and the
/// callers shown after it.
enum AllocationCulprit {
    /// `path` leaf first (`alloc_buffer ← process_image ← main`).
    static func of(_ path: [String]) -> (function: String, callers: String) {
        let at = path.firstIndex(where: Frame.looksLikeScriptFrame) ?? 0
        guard at < path.count else { return ("[unknown allocation site]", "") }
        return (path[at], path.dropFirst(at + 1).prefix(3).joined(separator: " ← "))
    }
}
