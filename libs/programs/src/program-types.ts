/** programs.frequency: how often a fund program (资金项目) pays; decides the period R06 counts in. */
export type ProgramFrequency = 'monthly' | 'yearly' | 'one-off';

/** How each frequency reads to people. */
export const FREQUENCY_LABELS: Record<ProgramFrequency, string> = { monthly: '按月', yearly: '按年', 'one-off': '一次性' };
