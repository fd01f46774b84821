import Foundation
import Model
import Probes
import Symbols

/// `flamegate bench-symbolize`'s measurement: symbolizing `frames` addresses
/// spread over the executable mappings of this very process (libc, the Swift
/// runtime, Foundation…), cold (symbol tables parsed) and warm (cached).
public enum SymbolizerBench {
    /// One line per pass: frames, mappings, seconds, the share resolved.
    public static func run(frames: Int) -> [String] {
        var lines: [String] = []
        let pid = getpid()
        var spaces = AddressSpaces()
        let modules = ModuleCache()
        var ranges: [(UInt64, UInt64)] = []
        for event in MappingRecorder.snapshot(pid: pid) {
            if case let .map(_, start, length, _, path, key?) = event, key != ModuleCache.vdsoKey {
                modules.register(key: key, path: path)
                ranges.append((start, length))
            }
            spaces.apply(event)
        }
        var rng = SystemRandomNumberGenerator()
        let addresses = (0..<frames).map { _ -> UInt64 in
            let (start, length) = ranges.randomElement(using: &rng)!
            return start + UInt64.random(in: 0..<length, using: &rng)
        }
        for pass in ["cold", "warm"] {
            let symbolizer = Symbolizer(spaces: spaces, modules: modules)
            let clock = ContinuousClock()
            let elapsed = clock.measure {
                for address in addresses { _ = symbolizer.userFrame(pid: pid, generation: 0, address: address) }
            }
            let seconds = Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds)
            let resolved = Double(symbolizer.framesSeen - symbolizer.framesUnresolved) * 100
                / Double(max(symbolizer.framesSeen, 1))
            lines.append(String(format: "symbolize %@ %d frames over %d mappings: %.3f s (%.1f%% resolved)",
                                pass, frames, ranges.count, seconds, resolved))
        }
        return lines
    }
}
