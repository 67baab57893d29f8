// TLS material for the agent's channel: the collector's CA (pinned), and the client certificate.
import { existsSync, readFileSync } from 'node:fs';
import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { describeFileError } from '@farmwatch/shared';

export interface TlsFiles {
  caFile: string;
  certFile?: string;
  keyFile?: string;
}

function read(path: string, what: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(describeFileError(err, path, `the ${what}`, { fix: `pass the right file with ${flag}` }));
  }
}

export function channelCredentials(files: TlsFiles): ChannelCredentials {
  if (files.certFile !== undefined && files.keyFile !== undefined && !existsSync(files.certFile) && !existsSync(files.keyFile)) {
    throw new Error(`this agent is not enrolled (there is no ${files.certFile}): run \`farmwatch-agent enroll\` with a token from IT, or pass --cert and --key`);
  }
  const ca = read(files.caFile, 'collector CA certificate', '--ca');
  if ((files.certFile === undefined) !== (files.keyFile === undefined)) {
    throw new Error('a client certificate needs its key and the key its certificate: pass both --cert and --key');
  }
  if (files.certFile === undefined || files.keyFile === undefined) return credentials.createSsl(ca);
  return credentials.createSsl(ca, read(files.keyFile, 'client key', '--key'), read(files.certFile, 'client certificate', '--cert'));
}
