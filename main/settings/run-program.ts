/** Runs the system tools policies are read with (reg.exe, plutil), with a time limit. */
import { execFile } from 'node:child_process';

/** Runs a program and hands back what it printed; rejects with its exit code (`code`), `killed` and `stderr`. */
export type RunProgram = (file: string, args: string[], options: { timeout: number }) => Promise<{ stdout: string }>;

export const runProgram: RunProgram = (file, args, options) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { ...options, windowsHide: true, encoding: 'utf8', maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve({ stdout });
    });
  });
