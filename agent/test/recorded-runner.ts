// A command runner for the platform sensors' tests: it serves recorded output by command line,
// lists the command lines it was asked for (each one a process the real agent would start), and
// answers any other command as a missing program (ENOENT), as execFile does.
import { commandLine, type CommandRunner } from '../src/sensors/command.js';

export function recorded(outputs: Record<string, string>): { run: CommandRunner; calls: string[] } {
  const calls: string[] = [];
  const run: CommandRunner = (cmd) => {
    const line = commandLine(cmd);
    calls.push(line);
    const out = outputs[line];
    return out === undefined ? Promise.reject(Object.assign(new Error(`${cmd.file}: not recorded`), { code: 'ENOENT' })) : Promise.resolve(out);
  };
  return { run, calls };
}
