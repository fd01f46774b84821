// swift-tools-version:6.0
import PackageDescription

/// Layers (see ../shared/DESIGN.md): pure cores (Model, Analysis, Reports) never
/// touch the kernel; Symbols and Probes do, through the C shim; Harness runs
/// targets; `flamegate` is the thin CLI.
let package = Package(
    name: "flamegate",
    products: [
        .executable(name: "flamegate", targets: ["flamegate"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "CFlamegateBPF",
            // preload/: the alloc probe's sampling shim, built by the Makefile into
            // a library of its own that targets preload (never part of flamegate)
            exclude: ["preload"],
            // optimized in debug builds too: the calibration loop (fg_calibrate.c)
            // must time the same instructions whichever build recorded a baseline
            cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [
                .linkedLibrary("bpf"), .linkedLibrary("elf"), .linkedLibrary("dw"), .linkedLibrary("z"),
                .linkedLibrary("stdc++"),
            ]
        ),
        .target(name: "Model"),
        // creating files so that a planted name cannot redirect the write
        .target(name: "Files"),
        .target(name: "Symbols", dependencies: ["CFlamegateBPF", "Model"]),
        .target(name: "Probes", dependencies: ["CFlamegateBPF", "Model"]),
        .target(name: "Analysis", dependencies: ["Model"]),
        // the system's zlib (gzip for pprof files): a module map, no code
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "Reports", dependencies: ["Model", "Analysis", "CZlib"]),
        // writing what the renderers produce: reports, artifacts, baselines
        .target(name: "Output", dependencies: ["Analysis", "Files", "Model", "Reports"]),
        .target(name: "Harness", dependencies: ["Analysis", "CFlamegateBPF", "Files", "Model", "Probes", "Symbols", "Yams"]),
        .executableTarget(
            name: "flamegate",
            dependencies: [
                "Analysis", "Files", "Harness", "Model", "Output", "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // helpers shared by the test targets: building fixture programs, running commands
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "FilesTests", dependencies: ["Files"]),
        .testTarget(name: "ModelTests", dependencies: ["Model"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Model"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Output", "Model", "Analysis", "TestSupport", "CZlib"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "SymbolsTests", dependencies: ["Symbols", "Model", "TestSupport"]),
        .testTarget(name: "HarnessTests", dependencies: ["Files", "Harness", "Model", "TestSupport"]),
        .testTarget(name: "ProbesTests", dependencies: ["Probes", "Harness", "Model", "Symbols", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Model", "Reports", "TestSupport"]),
    ]
)
