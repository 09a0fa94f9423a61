// The values of a lead's varchar columns (table `leads`, see libs/database/src/migrations/README.md).

/** Where a lead is in its life (问题线索处置流程); libs/leads/src/triage/lifecycle.ts says which step leads where. */
export type LeadStatus = 'new' | 'assigned' | 'verifying' | 'dismissed' | 'confirmed' | 'disposed' | 'rectifying' | 'rectified' | 'closed';
/**
 * Set when the lead is dismissed (查否) or rectified (已整改), or closed by a check that no longer
 * finds anything it was raised for (withdrawn, 系统撤回); decides what new evidence does.
 */
export type LeadOutcome = 'dismissed' | 'rectified' | 'withdrawn';
/** The warning card of a lead's step deadline: blue when it is near, yellow once passed, red when passed long ago (R12 repeats at once). */
export type WarningCard = 'blue' | 'yellow' | 'red';
/** A rule's severity, copied onto the leads it raises. */
export type Severity = 'low' | 'medium' | 'high';
