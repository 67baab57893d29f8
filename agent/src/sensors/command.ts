// Platform commands for the macOS and Windows sensors (ioreg, netstat, reg, netsh, ...). Every
// command line is a constant written here: program and arguments are fixed arrays passed to
// execFile (no shell), and nothing read from the host or the network is ever put on one. A
// missing program makes the sensor unavailable, naming the program.
import { execFile } from 'node:child_process';
import { SensorUnavailable, type SensorContext } from './sensor.js';
import { REG_OEM_CODE_PAGE, decoderFor, parseOemCodePage, type Decode } from './code-page.js';

export interface CommandSpec {
  /** Absolute path or program name (found on PATH). */
  file: string;
  args: readonly string[];
  timeoutMs?: number;
  maxBufferBytes?: number;
}

/** Runs one command and gives its standard output; throws with the exit reason on failure. */
export type CommandRunner = (cmd: CommandSpec) => Promise<string>;

/** Runs one command and gives its standard output as bytes. */
function runBytes(cmd: CommandSpec): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(cmd.file, [...cmd.args], {
      timeout: cmd.timeoutMs ?? 15_000, maxBuffer: cmd.maxBufferBytes ?? 16 * 1024 * 1024, windowsHide: true, encoding: 'buffer',
    }, (err, stdout) => {
      if (err) reject(Object.assign(new Error(err.message), { code: err.code }));
      else resolve(stdout);
    });
  });
}

let windowsDecode: Promise<Decode> | undefined;

/** Windows: the OEM code page's decoder, looked up once per process (code-page.ts says why). */
function oemDecoder(): Promise<Decode> {
  windowsDecode ??= runBytes(REG_OEM_CODE_PAGE)
    .then((out) => decoderFor(parseOemCodePage(out.toString('latin1'))).decode, () => decoderFor(undefined).decode);
  return windowsDecode;
}

export const execRunner: CommandRunner = async (cmd) => {
  const out = await runBytes(cmd);
  return process.platform === 'win32' ? (await oemDecoder())(out) : out.toString('utf8');
};

/** The command line as text, for messages and for recorded outputs keyed by command. */
export const commandLine = (cmd: CommandSpec): string => [cmd.file, ...cmd.args].join(' ');

/** Runs a fixed command through the context's runner; a missing program is "unavailable". */
export async function runCommand(ctx: SensorContext, cmd: CommandSpec): Promise<string> {
  try {
    return await (ctx.run ?? execRunner)(cmd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SensorUnavailable(`${cmd.file} is not on this machine (needed for: ${commandLine(cmd)})`);
    throw new Error(`${commandLine(cmd)} failed: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
}

/** As runCommand, but a failure gives undefined (a second, optional source of the same facts). */
export async function tryCommand(ctx: SensorContext, cmd: CommandSpec): Promise<string | undefined> {
  try {
    return await runCommand(ctx, cmd);
  } catch {
    return undefined;
  }
}
