import { AuditLog, parseCheckpoint } from '@sunlight/audit';
import { EXIT_FAILED, EXIT_OK, type CliCommand } from '../command.js';

export const auditVerify: CliCommand = {
  words: ['audit', 'verify'],
  arguments: 0,
  usage: 'audit verify [--checkpoint EVENT_ID:HASH]',
  summary: '校验审计记录的签名链与检查点：发现任何改动或删除 (verifies the audit trail)',
  options: { checkpoint: { type: 'string', help: 'a checkpoint read off a printed digest (审计锚点)' } },
  async run(app, args, io) {
    const given = typeof args.options.checkpoint === 'string' ? [parseCheckpoint(args.options.checkpoint)] : [];
    const result = await app.get(AuditLog).verify(given);
    for (const p of result.problems) io.say(`  事件 #${p.id}: ${p.problem}`);
    for (const n of result.notes) io.say(`  注意：${n}`);
    const latest = result.checkpoints.latest;
    io.say(
      result.ok
        ? `审计记录完整：${result.events} 条，链尾事件 #${result.headId} 摘要 ${result.headHash}；核对检查点 ${result.checkpoints.checked} 个${latest ? `，最新 #${latest.eventId}` : ''}`
        : `审计记录被改动：${result.problems.length} 处问题 (the audit trail was tampered with)`,
    );
    io.result(result);
    return result.ok ? EXIT_OK : EXIT_FAILED;
  },
};
