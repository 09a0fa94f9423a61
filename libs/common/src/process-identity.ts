import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who is running a long piece of work (an import), so that others can tell a live process from
 * a dead one without waiting for a heartbeat: host, boot, pid and the pid's start time (a pid
 * is reused; with its start time it names one process). Linux gives boot and start time; where
 * /proc is missing they are empty and only host and pid are compared.
 */
export interface ProcessIdentity {
  host: string;
  boot: string;
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/PID/stat, field 22). */
  started: string;
}

export function currentProcess(): ProcessIdentity {
  return { host: hostname(), boot: bootId(), pid: process.pid, started: startTimeOf(process.pid) };
}

/** As stored in a column: host/boot/pid/started. */
export function processMark(identity: ProcessIdentity = currentProcess()): string {
  return [identity.host, identity.boot, identity.pid, identity.started].join('/');
}

/**
 * What can be said of the process `mark` names from this machine: 'running'; 'gone' (it was of
 * this host, and its pid is dead or reused, or the host has booted since); 'unknown' (another
 * host's, or no mark at all): then only its heartbeat tells.
 */
export function processState(mark: string | null | undefined): 'running' | 'gone' | 'unknown' {
  const parts = (mark ?? '').split('/');
  if (parts.length !== 4 || !/^\d+$/.test(parts[2])) return 'unknown';
  const [host, boot, pid, started] = parts;
  const here = currentProcess();
  if (host !== here.host) return 'unknown';
  if (boot !== here.boot) return 'gone';
  return isLiveProcess(Number(pid), started) ? 'running' : 'gone';
}

/** A process with this pid (and, when known, this start time) runs on this machine. */
export function isLiveProcess(pid: number, started = ''): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false; // EPERM: alive, someone else's
  }
  const now = startTimeOf(pid);
  return !started || !now || now === started;
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

function startTimeOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields after it start at field 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}
