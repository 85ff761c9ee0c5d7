/**
 * What the kernel knows about another process, read from /proc without its cooperation:
 * resident memory, open file descriptors and CPU time. Linux only.
 */
import { readdir, readFile } from 'node:fs/promises';

export interface ProcessSample {
  /** Epoch ms of the reading. */
  at: number;
  rssBytes: number;
  /** Entries of /proc/<pid>/fd: sockets, pipes, files, epoll and event fds of every thread. */
  openFds: number;
  /** User plus system CPU time since the process started. */
  cpuSeconds: number;
}

export class ProcessGoneError extends Error {
  override readonly name = 'ProcessGoneError';
}

/** Clock ticks per second of /proc/<pid>/stat; 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

export async function sampleProcess(pid: number): Promise<ProcessSample> {
  try {
    const [status, fds, stat] = await Promise.all([
      readFile(`/proc/${pid}/status`, 'utf8'),
      readdir(`/proc/${pid}/fd`),
      readFile(`/proc/${pid}/stat`, 'utf8'),
    ]);
    return { at: Date.now(), rssBytes: residentBytes(status), openFds: fds.length, cpuSeconds: cpuSecondsOf(stat) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ProcessGoneError(`process ${pid} is gone`);
    throw error;
  }
}

function residentBytes(status: string): number {
  const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kilobytes === undefined) throw new Error('no VmRSS line in /proc/<pid>/status');
  return Number(kilobytes) * 1024;
}

/** Fields 14 and 15 (utime, stime), counted after the command name, which may hold spaces. */
function cpuSecondsOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}
