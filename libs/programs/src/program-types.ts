/** programs.frequency: how often a fund program (资金项目) pays; decides the period R06 counts in. */
export type ProgramFrequency = 'monthly' | 'yearly' | 'one-off';
