import { ConflictError, InputError } from '@sunlight/common';
import { BATCH_STATUS_LABELS, GetImport } from '@sunlight/ingestion';
import { JobName, JobWaiter } from '@sunlight/queue';
import { CheckRuns, RequestChecks, RequestChecksCommand, RunChecks, type CheckRunProgress, type CheckRunState, type CheckRunSummary } from '@sunlight/rules';
import { EXIT_OK, cliSettings, type CliCommand, type ParsedArgs } from '../command.js';
import type { INestApplicationContext } from '@nestjs/common';

export const checksRun: CliCommand = {
  words: ['checks', 'run'],
  arguments: 0,
  usage: 'checks run [--batch ID]',
  summary: '运行所有启用的比对规则并等待完成：全部数据，或一个已入库批次 (runs every enabled rule over all data, or one stored batch)',
  options: { batch: { type: 'string', help: '只检查这一批次的发放记录及其所在的组，同导入后的检查 (one stored batch, as the check after its import)' } },
  async run(app, args, io) {
    const batchId = await storedBatch(app, args);
    const waiter = app.get(JobWaiter);
    // A batch's check with no worker elsewhere runs here, by the use case: a worker started by
    // this command would go on to take the jobs queued before it (imports' checks, a registry's
    // full check) before the command ends, and what they raised would depend on timing. Its job
    // stays queued all the same: the next worker finds the run completed, or resumes it if this
    // process died halfway.
    const here = batchId !== undefined && !(await waiter.consumedElsewhere(JobName.RunChecks));
    const runId = await app.get(RequestChecks).execute(new RequestChecksCommand(batchId ? 'batches' : 'all', 'manual', cliSettings(app).operator, batchId ? [batchId] : null));
    const what = batchId ? `批次 ${batchId} 的比对` : '比对';
    let lastRule = '';
    const report = (progress: CheckRunProgress | null) => {
      if (progress?.rule && progress.rule !== lastRule) io.say(`  ${(lastRule = progress.rule)} ✓ (${progress.done}/${progress.total})`);
    };
    let summary: CheckRunSummary;
    if (here) {
      io.say(`${what}运行 #${runId}，由本进程执行 (check run)`);
      summary = await app.get(RunChecks).execute(runId, report);
    } else {
      let local = await waiter.ensureConsumer(JobName.RunChecks);
      io.say(`${what}运行 #${runId} 已排队${local ? '，由本进程执行' : '，由运行中的服务执行'} (check run queued)`);
      let ticks = 0;
      const run = await waiter.until<CheckRunState>(
        async () => {
          const row = (await app.get(CheckRuns).state(runId))!;
          report(row.progress);
          return row.status === 'completed' || row.status === 'failed' ? row : undefined;
        },
        {
          // The worker elsewhere may be another command's, gone before it took this job: then
          // this process takes it (asked every 2 s, not on every poll).
          onTick: async () => {
            if (!local && ++ticks % 10 === 0) local = await waiter.ensureConsumer(JobName.RunChecks);
          },
        },
      );
      summary = run.summary ?? { leadsRaised: 0, leadsUpdated: 0, byRule: {}, updatedByRule: {}, failedRules: {} };
    }
    for (const [rule, error] of Object.entries(summary.failedRules)) io.say(`  规则 ${rule} 执行失败: ${error}`);
    io.say(`新增线索 ${summary.leadsRaised} 条，更新 ${summary.leadsUpdated} 条`);
    io.result({
      leadsRaised: summary.leadsRaised,
      leadsUpdated: summary.leadsUpdated,
      byRule: summary.byRule,
      updatedByRule: summary.updatedByRule,
      failedRules: summary.failedRules,
      runId: Number(runId),
    });
    return EXIT_OK;
  },
};

/** `--batch ID`: the id of a stored batch (absent: undefined, the whole data). */
async function storedBatch(app: INestApplicationContext, args: ParsedArgs): Promise<string | undefined> {
  const option = args.options.batch;
  if (option === undefined) return undefined;
  const id = String(option).trim();
  if (!/^[1-9]\d{0,17}$/.test(id)) throw new InputError(`--batch ${option}: 应为批次号，即 batch import 输出的 batchId (expected a batch id)`);
  const batch = await app.get(GetImport).batch(id); // NotFoundError: 批次 N 不存在
  if (batch.status !== 'stored') {
    // rejected, failed, or still importing: none of its rows is stored
    throw new ConflictError(`批次 ${id} ${BATCH_STATUS_LABELS[batch.status]}，没有已入库的发放记录可检查 (batch ${id} is ${batch.status}: nothing stored to check)`);
  }
  return id;
}
