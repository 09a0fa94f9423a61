import { Module } from '@nestjs/common';
import { AccountsModule, ListRegionInspectors, UserNames } from '@sunlight/accounts';
import { AttachToLead, LeadAttachmentRepository, ListLeadAttachments, ReadLeadAttachment } from './attachments.js';
import { LeadAssignees } from './lead-assignees.usecase.js';
import { CloseLead } from './close-lead.usecase.js';
import { DEADLINES, deadlinesProvider } from './deadlines.js';
import { ExportLeads } from './export-leads.usecase.js';
import { GetLead } from './get-lead.usecase.js';
import { LeadLedger } from './lead-ledger.js';
import { LeadsOfBatches } from './leads-of-batches.usecase.js';
import { LeadRepository } from './lead.repository.js';
import { LeadSummaries } from './lead-summaries.js';
import { LeadStatistics } from './lead-statistics.usecase.js';
import { LeadBreakdowns } from './lead-breakdowns.repository.js';
import { WorkingCalendar } from './triage/calendar.js';
import { Notices } from './triage/notices.usecase.js';
import { SearchLeads } from './triage/search-leads.usecase.js';
import { SweepCards } from './triage/sweep-cards.usecase.js';
import { TransitionLead } from './triage/transition-lead.usecase.js';
import { TriageProcessor } from './triage/triage.processor.js';

const USE_CASES = [ExportLeads, CloseLead, GetLead, SearchLeads, TransitionLead, SweepCards, Notices, LeadStatistics, AttachToLead, ListLeadAttachments, ReadLeadAttachment, LeadAssignees];
/** The uploader's read-only view of the leads from its own batches. */
const READERS = [LeadsOfBatches];
// Lookups of accounts the leads need (users is accounts' table: its classes hold the SQL).
const FROM_ACCOUNTS = [ListRegionInspectors, UserNames];

@Module({
  imports: [AccountsModule],
  providers: [...USE_CASES, ...READERS, ...FROM_ACCOUNTS, LeadAttachmentRepository, LeadRepository, LeadBreakdowns, LeadSummaries, LeadLedger, WorkingCalendar, TriageProcessor, deadlinesProvider],
  exports: [...USE_CASES, ...READERS, LeadRepository, LeadBreakdowns, LeadSummaries, LeadLedger, DEADLINES],
})
export class LeadsModule {}
