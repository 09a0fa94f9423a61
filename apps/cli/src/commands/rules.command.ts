import { SEVERITY_LABELS } from '@sunlight/leads';
import { RuleCatalogue } from '@sunlight/rules';
import { EXIT_OK, type CliCommand } from '../command.js';

/**
 * `rules list` (CONTRACT §5): the rules as they are live now. Versions, drafts and approvals come
 * with issue 14; today a rule's settings are config/rules.json over the catalogue's defaults.
 */
export const rulesList: CliCommand = {
  words: ['rules', 'list'],
  arguments: 0,
  usage: 'rules list',
  summary: '列出当前生效的比对规则：编号、版本、是否启用、严重程度、参数 (the live rules)',
  options: {},
  async run(app, _args, io) {
    const rules = app.get(RuleCatalogue).all();
    for (const r of rules) {
      const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');
      io.say(`  ${r.code} v${r.version} ${r.enabled ? '启用' : '停用'} ${SEVERITY_LABELS[r.severity]} ${r.name.zh}${params ? `  ${params}` : ''}`);
    }
    io.result({ rules: rules.map((r) => ({ code: r.code, version: r.version, enabled: r.enabled, severity: r.severity, params: r.params })) });
    return EXIT_OK;
  },
};
