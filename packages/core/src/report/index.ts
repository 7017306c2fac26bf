// Reports and thresholds: istanbul-reports writers, the text tables, fail-under checks, and the
// workspace-level entry points the CLI and the Nx merge executor call.
export { METRIC_ORDER, formatPercent, formatPercentShort, percent, sumTotals, type Count, type Totals } from './metrics';
export { groupByProject, projectLabel, type ProjectGroup } from './projects';
export { formatSummary, formatTable, type TableOptions } from './table';
export { checkThresholds, type ThresholdMiss, type ThresholdOptions, type ThresholdResult } from './thresholds';
export { REPORT_FILES, writeReports, type WriteReportsOptions } from './writers';
export { checkReportFolder, checkWorkspace, mergeWorkspace, reportWorkspace, type ReportOutcome, type WorkspaceReport, type WorkspaceReportOptions } from './workspace';
