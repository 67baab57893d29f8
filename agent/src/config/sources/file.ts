// The configuration file (/etc/farmwatch/agent.json by default): a JSON object of settings.
import { readFileSync } from 'node:fs';
import { fileErrorReason } from '@farmwatch/shared';

export interface SourceValues {
  /** Human name of the source for messages: the file path, "environment", ... */
  name: string;
  values: Record<string, unknown>;
  problems: string[];
}

/** Line and column of a byte offset in text, 1-based. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line} column ${offset - before.lastIndexOf('\n')}`;
}

export function readConfigFile(path: string, required: boolean): SourceValues {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return { name: path, values: {}, problems: [] };
    const fix = required ? 'pass an existing file with --config' : 'fix it, or remove it to run with the other settings';
    return { name: path, values: {}, problems: [`the configuration file ${path} ${fileErrorReason(err, path, { fix })}`] };
  }
  if (text.trim() === '') return { name: path, values: {}, problems: [] };
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { name: path, values: {}, problems: [`${path}: must hold a JSON object of settings, like {"server": "collector.example.com:7443"}`] };
    }
    return { name: path, values: parsed as Record<string, unknown>, problems: [] };
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    const where = m?.[1] ? ` at ${position(text, Number(m[1]))}` : '';
    return { name: path, values: {}, problems: [`${path}: is not valid JSON${where} (${(err as Error).message}); fix the file or remove it`] };
  }
}
