import { AuditLog } from '@sunlight/audit';
import { EXIT_FAILED, EXIT_OK, type CliCommand } from '../command.js';

export const auditVerify: CliCommand = {
  words: ['audit', 'verify'],
  arguments: 0,
  usage: 'audit verify',
  summary: '校验审计记录的哈希链：发现任何改动或删除 (verifies the audit trail)',
  options: {},
  async run(app, _args, io) {
    const result = await app.get(AuditLog).verify();
    for (const p of result.problems) io.say(`  事件 #${p.id}: ${p.problem}`);
    io.say(result.ok ? `审计记录完整：${result.events} 条，链尾摘要 ${result.headHash}` : `审计记录被改动：${result.problems.length} 处问题`);
    io.result(result);
    return result.ok ? EXIT_OK : EXIT_FAILED;
  },
};
