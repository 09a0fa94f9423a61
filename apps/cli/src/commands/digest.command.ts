import { Digests } from '@sunlight/digest';
import { EXIT_FAILED, EXIT_OK, type CliCommand } from '../command.js';

const user = { type: 'string' as const, help: '分管领导的用户名' };

export const digestPreview: CliCommand = {
  words: ['digest', 'preview'],
  arguments: 0,
  usage: 'digest preview --user NAME',
  summary: '打印下一期摘要现在会说什么（不发送、不保存）(prints the next digest)',
  options: { user },
  async run(app, args, io) {
    const name = String(args.options.user ?? '');
    const content = await app.get(Digests).preview(name);
    io.stdout.write(`主题：${content.subject}\n\n${content.text}\n`);
    io.result({ subject: content.subject, empty: content.empty, figures: content.figures });
    return EXIT_OK;
  },
};

export const digestSend: CliCommand = {
  words: ['digest', 'send'],
  arguments: 0,
  usage: 'digest send --user NAME',
  summary: '立即生成并发送一期摘要；发送失败的交给队列按退避重试 (sends a digest now)',
  options: { user },
  async run(app, args, io) {
    const digests = app.get(Digests);
    const { id } = await digests.prepare(String(args.options.user ?? ''), 'manual');
    let outcome: string;
    try {
      outcome = await digests.deliver(id);
    } catch (err) {
      await digests.enqueue(id); // transient: the workers retry with back-off
      outcome = 'retry';
      io.say(`发送失败，已交给队列重试：${(err as Error).message}`);
    }
    const digest = await digests.get(id);
    io.say(`摘要 #${id}：${digest.subject} → ${digest.recipient ?? '（无邮箱）'}：${outcome}${digest.last_error ? `（${digest.last_error}）` : ''}`);
    io.result({ digestId: id, status: digest.status, outcome, recipient: digest.recipient, subject: digest.subject });
    return outcome === 'failed' ? EXIT_FAILED : EXIT_OK;
  },
};
