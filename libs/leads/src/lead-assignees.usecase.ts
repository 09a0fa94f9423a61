import { Injectable } from '@nestjs/common';
import { InputError, NotFoundError } from '@sunlight/common';
import { ListRegionInspectors, ListRegionInspectorsCommand, type AssignableInspector } from '@sunlight/accounts';
import { LeadRepository } from './lead.repository.js';

export class LeadAssigneesCommand {
  constructor(readonly leadIds: string[]) {}
}

const MAX = 1000;

/**
 * Whom these leads (one, or a bulk selection) may be assigned to: the active inspectors whose
 * region covers every one of them, as the assign step checks. A lead outside the actor's scope
 * answers 404, as everywhere.
 */
@Injectable()
export class LeadAssignees {
  constructor(
    private readonly leads: LeadRepository,
    private readonly inspectors: ListRegionInspectors,
  ) {}

  async execute(command: LeadAssigneesCommand): Promise<AssignableInspector[]> {
    const ids = [...new Set(command.leadIds)];
    if (!ids.length || ids.length > MAX) throw new InputError(`一次查询 1 至 ${MAX} 条线索的可分派人员，收到 ${ids.length} 条`, { column: 'leadIds', expected: `1–${MAX} ids` });
    const bad = ids.find((id) => !/^\d{1,18}$/.test(id));
    if (bad) throw new NotFoundError(`线索 ${bad} 不存在 (no such lead)`);
    const found = await this.leads.regionsInScope(ids);
    if (found.length !== ids.length) {
      const seen = new Set(found.map((l) => l.id));
      throw new NotFoundError(`线索 ${ids.filter((id) => !seen.has(id)).slice(0, 10).join(', ')} 不存在 (no such lead)`);
    }
    // An inspector covers every lead when their region is a prefix of the regions' common prefix.
    const common = found.map((l) => l.region_code).reduce((a, b) => {
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      return a.slice(0, i);
    });
    return this.inspectors.execute(new ListRegionInspectorsCommand(common));
  }
}
