// The one reader of evidence bundles (see evidence.ts for what writes them). The HTML
// report, gaps/knobs and check-telemetry all read bundles through it, so a bundle that
// is incomplete, hand-edited or from an older harness reads the same everywhere:
// bounded in size, never throwing, every defect a BundleProblem saying what to do.
//
//   readBundle(dir)        report.json, pair.json, each run folder, the file list
//   readRunFolder(dir)     manifest, telemetry copy, journal, shim log, stdout/stderr
//   readRunManifest(dir)   just the manifest (check-telemetry reads nothing else)

export {
  type Bundle,
  type BundleFile,
  type BundleReadOptions,
  type BundleReport,
  type BundleRun,
  insideBundle,
  listBundleFiles,
  type PairFlowRead,
  type PairRun,
  type ReadCheck,
  type ReadCheckDetail,
  type ReadCheckStatus,
  type ReportRun,
  readBundle,
} from './bundle-reader/bundle.ts';
export {
  type BundleLimits,
  type BundleProblem,
  type BundleProblemKind,
  DEFAULT_BUNDLE_LIMITS,
  type JsonRead,
  problemLine,
  readJsonFile,
  readTextFile,
  type TextRead,
} from './bundle-reader/files.ts';
export {
  type BundleManifest,
  type ReadOptions,
  type RunFolder,
  readRunFileText,
  readRunFolder,
  readRunManifest,
} from './bundle-reader/run-folder.ts';
