// @grpc/grpc-js sets the TLS server name (SNI) to the collector's address even when it is an IP,
// which Node flags with DEP0123 on every connection. The certificate is still checked against the
// IP; only SNI is skipped. Silence that one warning so real ones stay visible.
const original = process.emitWarning.bind(process);

process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1];
  if (code === 'DEP0123') return;
  (original as (...args: unknown[]) => void)(warning, ...rest);
});
