import { JobName, JobWaiter } from '@sunlight/queue';
import { CheckRuns, RequestChecks, RequestChecksCommand, type CheckRunState } from '@sunlight/rules';
import { EXIT_OK, cliSettings, type CliCommand } from '../command.js';

export const checksRun: CliCommand = {
  words: ['checks', 'run'],
  arguments: 0,
  usage: 'checks run',
  summary: '对全部数据运行所有启用的比对规则并等待完成 (runs every enabled rule over all data)',
  options: {},
  async run(app, _args, io) {
    const runs = app.get(CheckRuns);
    const runId = await app.get(RequestChecks).execute(new RequestChecksCommand('all', 'manual', cliSettings(app).operator));
    const waiter = app.get(JobWaiter);
    const local = await waiter.ensureConsumer(JobName.RunChecks);
    io.say(`比对运行 #${runId} 已排队${local ? '，由本进程执行' : '，由运行中的服务执行'} (check run queued)`);
    let lastRule = '';
    const run = await waiter.until<CheckRunState>(async () => {
      const row = (await runs.state(runId))!;
      if (row.progress?.rule && row.progress.rule !== lastRule) {
        lastRule = row.progress.rule;
        io.say(`  ${row.progress.rule} ✓ (${row.progress.done}/${row.progress.total})`);
      }
      return row.status === 'completed' || row.status === 'failed' ? row : undefined;
    });
    const summary = run.summary ?? { leadsRaised: 0, leadsUpdated: 0, byRule: {}, updatedByRule: {}, failedRules: {} };
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
