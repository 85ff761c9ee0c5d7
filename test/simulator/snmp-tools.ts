/**
 * Debian's net-snmp command line tools (`snmpget`, `snmpset`, package `snmp`) as the independent
 * SNMP client of the simulator's tests, so a misreading of SNMP shared by our agent and the
 * driver's library would show.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const HOST = '127.0.0.1';
/** Answers come in milliseconds; this is room for a busy machine. */
const ANSWER_WITHIN_S = '3';
/** Long enough to show a request is never answered, not a deadline the agent must meet. */
export const NO_ANSWER_WITHIN_S = '0.5';

/** The tools read no MIB files and no user's snmp.conf, and keep their state out of /var/lib. */
const toolHome = mkdtempSync(path.join(tmpdir(), 'showctl-snmp-tools-'));
const toolEnv = { ...process.env, MIBS: '', SNMPCONFPATH: toolHome, SNMP_PERSISTENT_DIR: toolHome };

afterAll(() => rmSync(toolHome, { recursive: true, force: true }));

export interface ToolResult {
  code: number;
  /** Values only (`-Oqv`), one a line. */
  stdout: string;
  stderr: string;
}

/** One run of snmpget or snmpset; a missing binary fails the test with how to install it. */
export function tool(name: 'snmpget' | 'snmpset', args: string[], timeoutS = ANSWER_WITHIN_S): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(name, ['-Oqv', '-t', timeoutS, '-r', '0', ...args], { env: toolEnv, timeout: 30_000 }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        return reject(new Error(`${name} not found: these tests need Debian's "snmp" package (sudo apt-get install snmp; .ci/run installs it)`));
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

export const v2c = (community: string, port: number) => ['-v2c', '-c', community, `${HOST}:${port}`];
export const v3 = (port: number, user: { name: string; authKey: string; privKey: string }) =>
  ['-v3', '-u', user.name, '-l', 'authPriv', '-a', 'SHA', '-A', user.authKey, '-x', 'AES', '-X', user.privKey, `${HOST}:${port}`];
