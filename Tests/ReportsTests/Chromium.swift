import CZlib
import Foundation
import Reports
import TestSupport

/// Debian's headless Chromium (installed by `make deps`) driven from the
/// command line: `--dump-dom` for the page after its scripts ran, the
/// browser's log for console messages, a NetLog for requests, and
/// `--screenshot`. Tests run as root, so the sandbox is off. Host names
/// resolve nowhere (`--host-resolver-rules`), so even the browser's own
/// background requests never leave the machine.
enum Chromium {
    static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static var available: Bool { path != nil }

    static func flags(_ dir: URL) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=" + dir.appendingPathComponent("profile").path]
    }

    struct Load {
        /// The DOM after the page's scripts ran.
        var dom: String
        /// Console messages and uncaught errors, as the browser logged them.
        var console: [String]
        /// URLs the page asked the network for (the browser's own background requests excluded).
        var requests: [String]
    }

    static func load(_ url: URL, in dir: URL) throws -> Load {
        let netLog = dir.appendingPathComponent("net-\(UUID().uuidString.prefix(8)).json")
        let r = try Command.run(["/usr/bin/timeout", "60", path!] + flags(dir)
            + ["--enable-logging=stderr", "--v=0", "--log-net-log=" + netLog.path, "--dump-dom", url.absoluteString])
        guard r.status == 0 else { throw CommandError.failed("chromium --dump-dom \(url)", r) }
        let console = r.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        return Load(dom: r.stdout, console: console, requests: try pageRequests(netLog))
    }

    /// URL requests in a NetLog started for a page (a document's origin or
    /// site), not by the browser itself (whose initiator is "not an origin").
    static func pageRequests(_ netLog: URL) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: try Data(contentsOf: netLog)) as? [String: Any] ?? [:]
        let constants = json["constants"] as? [String: Any] ?? [:]
        let types = constants["logEventTypes"] as? [String: Int] ?? [:]
        guard let start = types["URL_REQUEST_START_JOB"] else { return [] }
        return (json["events"] as? [[String: Any]] ?? []).compactMap { event in
            guard event["type"] as? Int == start, let params = event["params"] as? [String: Any],
                  let url = params["url"] as? String else { return nil }
            let initiator = params["initiator"] as? String ?? ""
            let site = params["network_isolation_key"] as? String ?? ""
            return initiator != "not an origin" || site.contains("file://") ? url : nil
        }
    }

    static func screenshot(_ url: URL, in dir: URL, width: Int, height: Int) throws -> PNGImage {
        let png = dir.appendingPathComponent("screenshot-\(UUID().uuidString.prefix(8)).png")
        let r = try Command.run(["/usr/bin/timeout", "60", path!] + flags(dir)
            + ["--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=" + png.path, url.absoluteString])
        guard r.status == 0 else { throw CommandError.failed("chromium --screenshot \(url)", r) }
        return try PNGImage(Data(contentsOf: png))
    }
}

/// Just enough of PNG (RFC 2083) to count a screenshot's colours: 8-bit RGB
/// or RGBA, non-interlaced, IDAT inflated with zlib and the five row filters undone.
struct PNGImage {
    struct Malformed: Error {}

    var width = 0, height = 0
    /// Packed 0xRRGGBB per pixel, row by row.
    var pixels: [UInt32] = []

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 8, bytes.prefix(8).elementsEqual([137, 80, 78, 71, 13, 10, 26, 10]) else { throw Malformed() }
        var offset = 8, idat: [UInt8] = [], channels = 0
        func u32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        while offset + 8 <= bytes.count {
            let length = u32(offset), type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let body = offset + 8
            guard body + length <= bytes.count else { throw Malformed() }
            if type == "IHDR" {
                width = u32(body)
                height = u32(body + 4)
                guard bytes[body + 8] == 8, bytes[body + 12] == 0 else { throw Malformed() }
                channels = bytes[body + 9] == 6 ? 4 : bytes[body + 9] == 2 ? 3 : 0
            } else if type == "IDAT" {
                idat += bytes[body..<body + length]
            }
            offset = body + length + 4
        }
        guard channels > 0 else { throw Malformed() }
        let stride = width * channels
        let raw = try Self.inflate(idat, size: height * (stride + 1))
        var previous = [UInt8](repeating: 0, count: stride), row = previous
        pixels.reserveCapacity(width * height)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)], line = raw[(y * (stride + 1) + 1)...].prefix(stride)
            for (x, value) in line.enumerated() {
                let a = x >= channels ? Int(row[x - channels]) : 0, b = Int(previous[x])
                let c = x >= channels ? Int(previous[x - channels]) : 0
                let predictor: Int
                switch filter {
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: predictor = 0
                }
                row[x] = UInt8((Int(value) + predictor) & 0xFF)
            }
            for x in 0..<width {
                pixels.append(UInt32(row[x * channels]) << 16 | UInt32(row[x * channels + 1]) << 8
                    | UInt32(row[x * channels + 2]))
            }
            previous = row
        }
    }

    static func inflate(_ input: [UInt8], size: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw Malformed() }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: size)
        let status = Gzip.pump(&stream, input, into: &output) { CZlib.inflate(&$0, Z_FINISH) }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else { throw Malformed() }
        return output
    }

    func count(_ color: UInt32) -> Int { pixels.lazy.filter { $0 == color }.count }
}
