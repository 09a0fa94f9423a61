import { Injectable } from '@nestjs/common';
import { InputError } from '@sunlight/common';
import type { LeadOutcome } from './lead-types.js';
import { CLOSE_ACTIONS } from './triage/lifecycle.js';
import { TransitionLead, TransitionLeadCommand } from './triage/transition-lead.usecase.js';

export class CloseLeadCommand {
  constructor(
    readonly leadId: string,
    readonly outcome: LeadOutcome,
    /** Who typed the command (kept in the audit event). */
    readonly actor: string,
    readonly reason: string | null = null,
  ) {}
}

/**
 * Closes a lead (销号) as rectified or dismissed in one step: the operator's shortcut of
 * CONTRACT §5. It is the lifecycle's `close-rectified` / `close-dismissed` action, so the one
 * state machine decides where it is allowed, locks the lead and audits the step.
 */
@Injectable()
export class CloseLead {
  constructor(private readonly transitionLead: TransitionLead) {}

  async execute(command: CloseLeadCommand): Promise<{ id: string; status: string; outcome: LeadOutcome }> {
    const action = Object.hasOwn(CLOSE_ACTIONS, command.outcome) ? CLOSE_ACTIONS[command.outcome as keyof typeof CLOSE_ACTIONS] : undefined;
    if (!action) throw new InputError(`--as 应为 rectified（已整改）或 dismissed（查否），收到 "${command.outcome}"`, { column: 'as', value: String(command.outcome), expected: 'rectified | dismissed' });
    const state = await this.transitionLead.execute(new TransitionLeadCommand(command.leadId, action, { reason: command.reason, operator: command.actor }));
    return { id: state.id, status: state.status, outcome: state.outcome as LeadOutcome };
  }
}
