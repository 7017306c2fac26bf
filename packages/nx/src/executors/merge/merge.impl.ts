import { logger, type ExecutorContext } from '@nx/devkit';
import { checkReportFolder, isMonocovError, loadConfig, mergeWorkspace, type DiffBase } from '@monocov/core';
import { join, relative, resolve } from 'node:path';
import type { MergeExecutorOptions } from './schema';

/** The workspace-level merge: the core does the work, this adapter only prints and reports success. */
export default async function mergeExecutor(options: MergeExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const { config } = loadConfig({ workspaceRoot: context.root });
    if (options.outputDir !== undefined) checkReportFolder(context.root, options.outputDir, 'executor option `outputDir`');
    const outputDir = resolve(context.root, options.outputDir ?? join(config.run.dataDir, 'workspace'));
    const report = mergeWorkspace({
      workspaceRoot: context.root,
      config,
      inputs: options.inputs?.map((input) => resolve(context.root, input)),
      outputDir,
      ignoreErrors: options.ignoreErrors ?? false,
      perFile: options.files ?? false,
      diff: diffBase(options.diff),
    });
    if (report.summaryText !== '') process.stdout.write(report.summaryText);
    for (const problem of report.problems) logger.warn(`monocov: ${options.ignoreErrors ? 'ignored' : 'error'}: ${problem.message}`);
    for (const miss of report.misses) logger.error(`monocov: threshold missed: ${miss.message}`);
    if (report.written.length > 0) logger.info(`monocov: workspace reports written to ${relative(context.root, outputDir)}`);
    return { success: report.outcome === 'ok' };
  } catch (error) {
    if (!isMonocovError(error)) throw error;
    logger.error(`monocov: ${error.message}`);
    return { success: false };
  }
}

/** `diff: true` follows Nx's own base and head (NX_BASE / NX_HEAD, as `nx affected` uses them). */
function diffBase(diff: MergeExecutorOptions['diff']): DiffBase | undefined {
  if (diff === undefined || diff === false) return undefined;
  if (typeof diff === 'string') return { base: diff, head: process.env.NX_HEAD || undefined };
  return { base: process.env.NX_BASE || 'main', head: process.env.NX_HEAD || undefined };
}
