import Analysis

/// Turns the result of `flamegate run` into one report format (like hyperfine's
/// `Exporter`): a pure function of the report, so the same run always renders
/// the same text and `FileSink` or stdout decides where it goes.
///
/// Renderers: ``TerminalReport`` (the console summary), ``JUnitReport`` (CI
/// test views) and ``MarkdownReport`` (pull-request comments, step summaries).
public protocol RunReportRenderer {
    func render(_ report: RunReport) -> String
}
