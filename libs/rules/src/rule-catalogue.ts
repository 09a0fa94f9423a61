import { Injectable } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@sunlight/config';
import { RULE_CATALOGUE } from './catalogue/index.js';
import type { ActiveRule } from './rule.js';
import { configureRules } from './rule-config.js';

export const REPEAT_RULE_CODE = 'R12';

/** The rules of this installation: the catalogue with config/rules.json applied. */
@Injectable()
export class RuleCatalogue {
  private readonly rules: ActiveRule[];

  constructor(@InjectConfig() config: AppConfig) {
    this.rules = configureRules(RULE_CATALOGUE, config.configDir);
  }

  all(): ActiveRule[] {
    return this.rules;
  }

  /** Enabled rules with a statement, in code order. */
  runnable(): ActiveRule[] {
    return this.rules.filter((r) => r.enabled && r.sql);
  }

  repeatRule(): ActiveRule {
    return this.rules.find((r) => r.code === REPEAT_RULE_CODE)!;
  }

  get(code: string): ActiveRule | undefined {
    return this.rules.find((r) => r.code === code);
  }
}
